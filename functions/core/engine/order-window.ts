import { stableJson } from '../collections/stable-json.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { EventCondition } from '../journeys/schema-parts.ts';
import { matchesPattern } from '../patterns/index.ts';
import { parseInstant } from '../time/instant.ts';
import { fingerprint, shortHash } from './bucket.ts';
import type { CompiledJourney } from './catalog.ts';
import { type CompiledEventCondition, valueAtPath } from './conditions.ts';
import type { NotEnrolledReason } from './effects.ts';

/**
 * Order independence in event time (docs/runtime.md, "Arrival order"). Events of one customer may arrive in any
 * order (an SQS retry, a second delivery, a slow producer), so a goal or exit event can be processed before the
 * trigger it ends: an `Order Completed` before its cart's late `Product Added`. The state keeps, for the order
 * window, the goal and exit events of the journeys' correlated criteria (the ones with `correlate`: only they
 * can be told to belong to one trigger); a trigger that arrives then finds them and does not enroll.
 *
 * Not the event-history counters (segments/history.ts): those keep times per pattern to count them, not the
 * correlated values that say which trigger an event belongs to.
 */

/** How late an event may arrive and still be decided in event time: 24 hours (docs/runtime.md). */
export const ORDER_WINDOW_MS = 86_400_000;

/**
 * How many goal and exit events a customer remembers: the latest in event time. Each entry is two numbers
 * (about 28 bytes as JSON), so 16 cost about 0.45 KB at most, and only customers who send events that a
 * correlated goal or exit matches carry any. A customer with more of them in 24 hours (17 orders of 17
 * carts) forgets the oldest, whose late trigger then enrolls as if none had been seen.
 */
export const ORDER_MEMORY = 16;

/**
 * One remembered event: [fingerprint of the criterion's key and the event's correlated values, event time in
 * epoch seconds]. Two numbers, since the list is in every write of the customer's state.
 */
export type SeenEvent = [number, number];

type Criterion = { key: string; compiled: CompiledEventCondition; reason: NotEnrolledReason };

const criteriaCache = new WeakMap<CompiledJourney, Criterion[]>();

/** The key of a criterion: the same pattern and correlation in any journey, in any key order, share it. */
function criterionKey(condition: EventCondition): string {
  return shortHash(stableJson({ pattern: condition.pattern, correlate: condition.correlate ?? [] })).slice(
    0,
    8,
  );
}

/** A journey's goal and exit criteria that correlate with the trigger; the goal first. */
export function correlatedCriteria(journey: CompiledJourney): Criterion[] {
  const known = criteriaCache.get(journey);
  if (known) return known;
  const criteria: Criterion[] = [];
  const { goal, exit = [] } = journey.journey;
  if (goal?.correlate?.length && journey.goal)
    criteria.push({ key: criterionKey(goal), compiled: journey.goal, reason: 'goal-before' });
  exit.forEach((condition, index) => {
    const compiled = journey.exits[index];
    if (condition.correlate?.length && compiled)
      criteria.push({ key: criterionKey(condition), compiled, reason: 'exited-before' });
  });
  criteriaCache.set(journey, criteria);
  return criteria;
}

/** The fingerprint of an event's values at the criterion's correlated paths, or none when one is missing. */
function correlationPrint(criterion: Criterion, event: unknown): number | undefined {
  const values: unknown[] = [];
  for (const path of criterion.compiled.correlate) {
    const value = valueAtPath(event, path);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return fingerprint(`${criterion.key}\u0000${JSON.stringify(values)}`);
}

function eventSeconds(event: { time: string }): number | undefined {
  const ms = parseInstant(event.time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/**
 * Remembers a customer event that some journey's correlated goal or exit matches, and forgets what left the
 * window (event time more than ORDER_WINDOW_MS before `now`) and all but the ORDER_MEMORY latest. Returns the
 * new list, undefined when empty. A configuration without correlated criteria keeps nothing.
 */
export function rememberEndings(
  seen: SeenEvent[] | undefined,
  journeys: Iterable<CompiledJourney>,
  event: CustomerEvent,
  now: number,
): SeenEvent[] | undefined {
  const at = eventSeconds(event);
  let found: SeenEvent[] | undefined;
  if (at !== undefined) {
    for (const journey of journeys) {
      for (const criterion of correlatedCriteria(journey)) {
        if (!matchesPattern(criterion.compiled.pattern, event)) continue;
        const print = correlationPrint(criterion, event);
        if (print === undefined) continue;
        found ??= [];
        found.push([print, at]);
      }
    }
  }
  const since = (now - ORDER_WINDOW_MS) / 1000;
  // Most events match no criterion: a list that would come out the same is kept as it is, not made again.
  if (!found && keptAsIs(seen, since)) return seen;
  const latest = new Map<number, number>(seen?.map(([print, at]) => [print, at]));
  for (const [print, t] of found ?? []) latest.set(print, Math.max(t, latest.get(print) ?? t));
  const kept: SeenEvent[] = [...latest].filter(([, t]) => t > since);
  kept.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return kept.length > 0 ? kept.slice(0, ORDER_MEMORY) : undefined;
}

/** What keptAsIs reads past a list's end (never, by its bounds; the index type allows it). */
const NO_ENTRY: SeenEvent = [Number.NaN, Number.NaN];

/**
 * Whether rememberEndings, given nothing new, makes the same list: none, or one within the window and the
 * memory, in its order (latest first, then by fingerprint) with no fingerprint twice. An empty list is not:
 * it becomes none.
 */
function keptAsIs(seen: readonly SeenEvent[] | undefined, since: number): boolean {
  if (seen === undefined) return true;
  if (seen.length === 0 || seen.length > ORDER_MEMORY) return false;
  for (let i = 0; i < seen.length; i++) {
    // Read by index: `[print, t] =` goes through the array iterator, an allocation per entry and input.
    const { 0: print, 1: t } = seen[i] ?? NO_ENTRY;
    if (!(t > since)) return false;
    const next = seen[i + 1];
    if (next && !(t > next[1] || (t === next[1] && print < next[0]))) return false;
    for (let j = i + 1; j < seen.length; j++) if (seen[j]?.[0] === print) return false;
  }
  return true;
}

/**
 * Why a trigger may not enroll: a goal or exit event for the same correlation was seen already, at most the
 * order window before the trigger in event time or any time after it (it arrived first). The goal is looked at
 * first (`goal-before`), then the exits in their order (`exited-before`).
 */
export function endedBefore(
  seen: readonly SeenEvent[] | undefined,
  journey: CompiledJourney,
  trigger: CustomerEvent,
): NotEnrolledReason | undefined {
  if (!seen || seen.length === 0) return undefined;
  const at = eventSeconds(trigger);
  if (at === undefined) return undefined;
  const from = at - ORDER_WINDOW_MS / 1000;
  for (const criterion of correlatedCriteria(journey)) {
    const print = correlationPrint(criterion, trigger);
    if (print !== undefined && seen.some(([p, t]) => p === print && t >= from)) return criterion.reason;
  }
  return undefined;
}
