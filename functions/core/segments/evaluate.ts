import { cyclesOf, stronglyConnected } from '../collections/strongly-connected.ts';
import { type CompiledCondition, compileCondition, holds } from '../engine/conditions.ts';
import { CustomerSubject } from '../engine/customer-subject.ts';
import type { CustomerState } from '../engine/state.ts';
import { evaluateStage } from '../lifecycle/lifecycle.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import { DAY_MS, NO_PURCHASES } from '../lifecycle/purchases.ts';
import {
  type CompiledHistory,
  type HistorySpec,
  historyBoundaries,
  historyConditionsIn,
  historySpecs,
} from './history.ts';
import type { Segment } from './schema.ts';

/** A segment ready to evaluate. */
export type CompiledSegment = {
  id: string;
  when?: CompiledCondition;
  include: string[];
  exclude: string[];
};

/** What the view's time-driven fields depend on, so that the boundary search only wakes up where they move. */
type TimeFields = {
  /** Day counts written in the segments' profile patterns (and the RFM recency thresholds when rfm is read). */
  numbers: number[];
  bases: ('firstSeenAt' | 'lastSeenAt' | 'firstOrderAt' | 'lastOrderAt')[];
  /** Purchase windows read (30, 90, 365 days). */
  windows: number[];
  /** pAlive and expected purchases drift with time: checked weekly, as the lifecycle's boundary search does. */
  drifts: boolean;
};

const HORIZON_MS = 400 * DAY_MS;

/**
 * The segments of a configuration, compiled: in an order where every segment comes after the segments it
 * refers to, so one pass evaluates them all, with the history counters that the segments and the journeys'
 * conditions need. Built by the journey catalog (engine/catalog.ts).
 */
export class SegmentCatalog {
  readonly ordered: CompiledSegment[];
  readonly history: HistorySpec[];
  readonly definitions: readonly Segment[];
  /** What the segments' time-driven fields depend on (nextSegmentBoundary). */
  readonly time: TimeFields;
  /** The segments' history conditions, whose windows' ends are boundaries (nextSegmentBoundary). */
  readonly historyConditions: CompiledHistory[];

  /** `documents` are the other places conditions are written (the journeys), for their history counters. */
  constructor(segments: readonly Segment[], documents: readonly unknown[] = []) {
    this.definitions = segments;
    const byId = new Map(segments.map((s) => [s.id, s]));
    const cycles = cyclesOf(byId.keys(), (id) => references(byId.get(id)));
    if (cycles.length > 0)
      throw new Error(
        `segments refer to each other in a cycle: ${cycles[0]?.join(' -> ')} (run "cairn validate")`,
      );
    // Tarjan closes a component only after the components it reaches: referred segments come first.
    this.ordered = stronglyConnected(byId.keys(), (id) => references(byId.get(id))).flatMap((component) =>
      component.flatMap((id) => {
        const segment = byId.get(id);
        return segment ? [compileSegment(segment)] : [];
      }),
    );
    this.history = historySpecs([...historyConditionsIn(segments), ...historyConditionsIn(documents)]);
    this.time = timeFields(segments);
    this.historyConditions = this.ordered.flatMap((s) => (s.when?.history ? [s.when.history] : []));
  }

  /** Whether there is anything to evaluate or count. */
  get empty(): boolean {
    return this.ordered.length === 0 && this.history.length === 0;
  }
}

function references(segment: Segment | undefined): string[] {
  if (!segment) return [];
  return [
    ...(segment.when?.segment ? [segment.when.segment] : []),
    ...(segment.include ?? []),
    ...(segment.exclude ?? []),
  ];
}

function compileSegment(segment: Segment): CompiledSegment {
  return {
    id: segment.id,
    ...(segment.when ? { when: compileCondition(segment.when, `segment ${segment.id} when`) } : {}),
    include: segment.include ?? [],
    exclude: segment.exclude ?? [],
  };
}

function timeFields(segments: readonly Segment[]): TimeFields {
  const text = JSON.stringify(segments.map((s) => s.when?.profile ?? null));
  const numbers = new Set<number>();
  const collect = (value: unknown): void => {
    if (typeof value === 'number') numbers.add(value);
    else if (Array.isArray(value)) for (const v of value) collect(v);
    else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collect(v);
  };
  for (const s of segments) collect(s.when?.profile);
  const reads = (field: string) => text.includes(`"${field}"`);
  const bases: TimeFields['bases'] = [];
  if (reads('daysSinceFirstSeen')) bases.push('firstSeenAt');
  if (reads('daysSinceLastSeen')) bases.push('lastSeenAt');
  if (reads('daysSinceFirstOrder')) bases.push('firstOrderAt');
  if (reads('daysSinceLastOrder') || reads('rfm')) bases.push('lastOrderAt');
  const windows = [30, 90, 365].filter(
    (d) => reads(`orders${d}d`) || reads(`revenue${d}d`) || (d === 365 && reads('rfm')),
  );
  return {
    numbers: [...numbers].filter((n) => n > 0 && n < 5000),
    bases,
    windows,
    drifts: reads('pAlive') || reads('expectedPurchases90d'),
  };
}

/**
 * The one segment evaluator: the ids of the segments the customer is in at `now`, sorted. The engine runs it
 * after every input on the state it has loaded (incremental membership); `cairn segments estimate|export` runs
 * it on states folded from an event file, as of a time (batch membership, segments/batch.ts). The stage is
 * the profile's, which the engine has just re-evaluated at `now` (batch: `asOf`).
 */
export function membershipAt(
  catalog: SegmentCatalog,
  state: Pick<CustomerState, 'userId' | 'profile' | 'history'>,
  now: number,
  lifecycle: LifecycleModel | undefined,
): string[] {
  // An array, not a Set: a catalog has a few segments, each in it once, and this runs on every input.
  const members: string[] = [];
  const subject = new CustomerSubject(state, undefined, now, lifecycle, members);
  for (const segment of catalog.ordered) {
    if (segment.when && !holds(segment.when, subject)) continue;
    if (segment.include.length > 0 && !anyOf(segment.include, members)) continue;
    if (anyOf(segment.exclude, members)) continue;
    members.push(segment.id);
  }
  return members.sort();
}

/** Whether any of `ids` is among `members`: a loop, not `some` with a closure made per segment and input. */
function anyOf(ids: readonly string[], members: readonly string[]): boolean {
  for (const id of ids) if (members.includes(id)) return true;
  return false;
}

/** The state as of `at` for batch membership: the stage the lifecycle rules give at that time. */
export function asOf<S extends Pick<CustomerState, 'userId' | 'profile'>>(
  state: S,
  lifecycle: LifecycleModel | undefined,
  at: number,
): S {
  if (!lifecycle) return state;
  const { stage } = evaluateStage(lifecycle, state.userId, state.profile, at);
  return { ...state, profile: { ...state.profile, stage } };
}

/**
 * The next instant after `now`, within 400 days, at which time alone may change the customer's segments: an
 * event leaving a history window, a day count reaching a number written in a profile pattern, a purchase
 * leaving a rolling window, or a week of pAlive drift. Stage changes have their own timer, whose input
 * re-evaluates the segments too. The timer fires there and the segments are evaluated again; each candidate
 * is the exact instant its field changes, so a membership changes on time and never late.
 */
export function nextSegmentBoundary(
  catalog: SegmentCatalog,
  state: Pick<CustomerState, 'profile' | 'history'>,
  now: number,
): number | undefined {
  if (catalog.ordered.length === 0) return undefined;
  const candidates = historyBoundaries(state.history, catalog.historyConditions);
  const { numbers, bases, windows, drifts } = catalog.time;
  const { profile } = state;
  const purchases = profile.purchases ?? NO_PURCHASES;
  for (const base of bases) {
    const from = base === 'firstSeenAt' || base === 'lastSeenAt' ? profile[base] : purchases[base];
    if (from === undefined) continue;
    for (const n of numbers) candidates.push(from + n * DAY_MS, from + (n + 1) * DAY_MS);
  }
  for (const window of windows) {
    for (const { 0: day } of purchases.days) candidates.push((day + window) * DAY_MS);
    if (window === 365) for (const { 0: week } of purchases.weeks) candidates.push((week * 7 + 365) * DAY_MS);
  }
  if (drifts && purchases.orders > 0) candidates.push(now + 7 * DAY_MS);
  let earliest: number | undefined;
  for (const at of candidates)
    if (at > now && at <= now + HORIZON_MS && (earliest === undefined || at < earliest)) earliest = at;
  return earliest;
}
