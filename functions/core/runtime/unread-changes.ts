import type { CompiledJourney, JourneyCatalog } from '../engine/catalog.ts';
import type { Effect } from '../engine/effects.ts';
import type { CustomerState } from '../engine/state.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { LoadedTemplate } from '../templates/load.ts';

/**
 * Inputs whose only change to the state is one no decision reads are not written (issue 15, part 4;
 * docs/runtime.md, "Inputs that change nothing read").
 *
 * Every customer event moves the profile's `lastSeenAt` and adds its fingerprint to `seen`. When that is all
 * an input changed (no effect, nothing else in the state; or a stale timer, which only adds its fingerprint) and the configuration reads `lastSeenAt` nowhere (no
 * journey, segment, stage rule or template names `lastSeenAt` or `daysSinceLastSeen`), writing it changes no
 * later decision. Applying such an input again, at any delay, is the same no-op, so it needs no fingerprint
 * either; an input that changes anything else is written with its fingerprint as before, so nothing is
 * applied twice. On the generated mix most of these are `Product Viewed` events, which no default journey reads.
 */

/** How the configuration can name when the customer was last seen: `lastSeenAt`, `daysSinceLastSeen`. */
const LAST_SEEN = /lastseen/i;

/** Whether a template names `lastSeenAt` or `daysSinceLastSeen` (templates render the profile view). */
export function templatesReadLastSeen(templates: ReadonlyMap<string, LoadedTemplate>): boolean {
  return [...templates.values()].some((template) => LAST_SEEN.test(template.text));
}

const byCatalog = new WeakMap<JourneyCatalog, boolean>();
const byJourney = new WeakMap<CompiledJourney, boolean>();
const byLifecycle = new WeakMap<LifecycleModel, boolean>();

function cached<K extends object>(cache: WeakMap<K, boolean>, key: K, text: () => unknown): boolean {
  const known = cache.get(key);
  if (known !== undefined) return known;
  const reads = LAST_SEEN.test(JSON.stringify(text()));
  cache.set(key, reads);
  return reads;
}

/** What can read `lastSeenAt`: the catalog (latest journeys, segments), the lifecycle model, the templates. */
export type LastSeenReaders = {
  catalog: JourneyCatalog;
  lifecycle?: LifecycleModel | undefined;
  templatesReadLastSeen: boolean;
};

/**
 * Whether anything that decides for this customer names `lastSeenAt` or `daysSinceLastSeen`: the latest
 * journeys, the versions the customer's enrollments follow, the segments, the stage rules, the templates. A
 * conservative text search (a false positive only costs the saving), cached per object: a refreshed catalog
 * (a deploy) is a new object.
 */
export function readsLastSeen(readers: LastSeenReaders, state: CustomerState): boolean {
  const { catalog, lifecycle } = readers;
  if (readers.templatesReadLastSeen) return true;
  if (lifecycle && cached(byLifecycle, lifecycle, () => lifecycle.config)) return true;
  const latest = () => [[...catalog.latest()].map((j) => j.journey), catalog.segmentDefinitions];
  if (cached(byCatalog, catalog, latest)) return true;
  return state.enrollments.some((enrollment) => {
    const followed = catalog.version(enrollment.version);
    return followed !== undefined && cached(byJourney, followed, () => followed.journey);
  });
}

/**
 * Inputs the engine ignored for good: a timer whose wait or enrollment is gone, the answer to a call no longer
 * awaited. Neither can come back (their ids name one visit of one enrollment), so the same input again is
 * ignored again.
 */
const IGNORED_FOR_GOOD: ReadonlySet<string> = new Set(['stale-timer', 'unknown-enrollment', 'stale-call']);

function changesNothing(effect: Effect): boolean {
  return effect.type === 'ignored' && IGNORED_FOR_GOOD.has(effect.reason);
}

/**
 * Whether `after` differs from `before` only in what no decision reads: `seen` (the input's own fingerprint)
 * and, when `lastSeenRead()` is false (asked last: it is the dearest check), the profile's `lastSeenAt`; and the input had no effect but being ignored for good.
 */
export function changesNothingRead(
  before: CustomerState,
  after: CustomerState,
  effects: readonly Effect[],
  lastSeenRead: () => boolean,
): boolean {
  if (!effects.every(changesNothing) || lastSeenRead()) return false;
  return (
    sameExcept(before, after, ['seen', 'profile']) &&
    sameExcept(before.profile, after.profile, ['lastSeenAt'])
  );
}

/** Equal as JSON but for the `ignored` keys: an undefined value counts as an absent key. */
// Checked on every input that changed the state, so it walks the keys without entries, filters or a Map
// (1.0% of a simulation's CPU profile before, on 50,000 events).
function sameExcept(a: object, b: object, ignored: readonly string[]): boolean {
  if (a === b) return true;
  let kept = 0;
  for (const key of Object.keys(a)) {
    const value: unknown = Reflect.get(a, key);
    if (value === undefined || ignored.includes(key)) continue;
    kept++;
    if (!Object.hasOwn(b, key) || !sameJson(value, Reflect.get(b, key))) return false;
  }
  return kept === keptKeys(b, ignored);
}

/** How many keys of `value` hold something but for the `ignored` ones. */
function keptKeys(value: object, ignored: readonly string[]): number {
  let kept = 0;
  for (const key of Object.keys(value))
    if (Reflect.get(value, key) !== undefined && !ignored.includes(key)) kept++;
  return kept;
}

/** Equal as JSON: the same primitives, arrays item by item, objects key by key (undefined keys absent). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameJson(item, b[index]));
  }
  return sameExcept(a, b, []);
}
