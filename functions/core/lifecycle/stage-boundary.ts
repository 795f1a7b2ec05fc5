// When a customer's lifecycle stage would next change with time alone: the boundary the lifecycle timer is
// set at (docs/lifecycle.md).
import type { LifecycleStage } from '../journeys/schema.ts';
import type { Profile } from '../profile/profile.ts';
import { LifecycleClock, type LifecycleModel } from './lifecycle.ts';
import { DAY_MS, emptyPurchases, type PurchaseSummary } from './purchases.ts';

const HORIZON_DAYS = 400;
const MINUTE = 60_000;

/**
 * When the stage would next change if nothing else happened, to the minute, within 400 days. Between events
 * only time moves the derived fields, and they change a stage only where a day count reaches a number used
 * in the rules, a purchase leaves a rolling window, or pAlive drifts; those instants and a weekly grid are
 * the candidates, and a binary search narrows the first change down to the minute.
 */
export function nextStageBoundary(
  model: LifecycleModel,
  userId: string,
  profile: Profile,
  now: number,
): number | undefined {
  return scanStageBoundary(model, userId, profile, now, true);
}

/**
 * nextStageBoundary's scan; `skipUnchanged: false` evaluates the stage at every candidate and every midpoint of
 * the binary search, which the tests compare with the skipping the hot path does.
 */
export function scanStageBoundary(
  model: LifecycleModel,
  userId: string,
  profile: Profile,
  now: number,
  skipUnchanged: boolean,
): number | undefined {
  const clock = new LifecycleClock(userId, profile, model);
  const current = clock.stageAt(now).stage;
  const purchases = profile.purchases ?? emptyPurchases();
  const bases = dayCountBases(profile, purchases);
  const changes = skipUnchanged ? timeChanges(model, clock, bases, purchases, now) : undefined;
  // After the last change the stage stays as it is: no candidate past the first one at or after that change
  // is evaluated, and the weekly grid has one within 7 days of it.
  const last = changes?.at(-1);
  const until = last === undefined ? Number.POSITIVE_INFINITY : last + 7 * DAY_MS;
  const ordered = orderedCandidates(model, bases, purchases, now, changes ? until : Number.POSITIVE_INFINITY);
  let next = 0;
  let before = now;
  for (let i = 0; i < ordered.length; i++) {
    const at = ordered[i] ?? Number.NaN;
    // Sorted: an instant given twice is tried once.
    if (at === ordered[i - 1]) continue;
    // The stage at `at` is the stage at `before` (the current one) unless a field that time moves crossed a
    // number of the rules in between: no need to evaluate it.
    while (changes && (changes[next] ?? Number.POSITIVE_INFINITY) <= before) next++;
    if (changes && next >= changes.length) return undefined;
    const crossed = !changes || (changes[next] ?? Number.POSITIVE_INFINITY) <= at;
    if (crossed && clock.stageAt(at).stage !== current)
      return refine(changes ? stepwise(clock, current, before, at, changes) : clock, current, before, at);
    before = at;
  }
  return undefined;
}

/**
 * The instants at which the stage may change, within (now, now + 400 days] and up to `until`, in ascending order
 * (an instant may be given twice): where a day count reaches a number of the rules, a purchase leaves a rolling window, and a
 * weekly grid for pAlive's drift. A typed array, sorted numerically without a comparison function.
 */
function orderedCandidates(
  model: LifecycleModel,
  bases: readonly number[],
  purchases: PurchaseSummary,
  now: number,
  until: number,
): Float64Array {
  const horizon = Math.min(now + HORIZON_DAYS * DAY_MS, until);
  const most =
    bases.length * model.thresholds.length * 2 +
    purchases.days.length * WINDOWS.length +
    purchases.weeks.length +
    Math.floor(HORIZON_DAYS / 7);
  const candidates = new Float64Array(most);
  let count = 0;
  for (const base of bases)
    for (const n of model.thresholds) {
      count = putWithin(candidates, count, base + n * DAY_MS, now, horizon);
      count = putWithin(candidates, count, base + (n + 1) * DAY_MS, now, horizon);
    }
  for (const [day] of purchases.days)
    for (const window of WINDOWS) count = putWithin(candidates, count, (day + window) * DAY_MS, now, horizon);
  for (const [week] of purchases.weeks)
    count = putWithin(candidates, count, (week * 7 + 365) * DAY_MS, now, horizon);
  for (let d = 7; d <= HORIZON_DAYS && now + d * DAY_MS <= horizon; d += 7)
    count = putWithin(candidates, count, now + d * DAY_MS, now, horizon);
  return candidates.subarray(0, count).sort();
}

/** Puts `at` at `count` when it is within (now, horizon]; returns the count after. */
function putWithin(into: Float64Array, count: number, at: number, now: number, horizon: number): number {
  if (!(at > now && at <= horizon)) return count;
  into[count] = at;
  return count + 1;
}

const WINDOWS = [30, 90, 365] as const;

/** What is asked of a customer's stage over time while a boundary is narrowed down. */
type StageOverTime = { stageAt(at: number): { stage: LifecycleStage | undefined } };

/**
 * The stage between `from` and `to`: it changes only where a field time moves crosses a number of the rules
 * (`changes`), so it is evaluated there once each, and at any other instant it is the stage at the latest such
 * change before (at `from`, the current one). The binary search over it then
 * finds what evaluating the stage at each of its midpoints finds.
 */
function stepwise(
  clock: LifecycleClock,
  current: LifecycleStage | undefined,
  from: number,
  to: number,
  changes: Float64Array,
): StageOverTime {
  const steps: { at: number; stage: LifecycleStage | undefined }[] = [];
  for (const at of changes) if (at > from && at <= to) steps.push({ at, stage: clock.stageAt(at).stage });
  return {
    stageAt(at: number) {
      let stage = current;
      for (const step of steps) {
        if (step.at > at) break;
        stage = step.stage;
      }
      return { stage };
    },
  };
}

/** What the view's days-since fields count from. */
function dayCountBases(profile: Profile, purchases: PurchaseSummary): number[] {
  const bases = [profile.firstSeenAt, profile.lastSeenAt, purchases.firstOrderAt, purchases.lastOrderAt];
  return bases.filter((base) => base !== undefined);
}

/**
 * The instants at which a field of the view that time moves can change a stage rule's outcome, sorted (an
 * instant may be given twice): where a days-since count crosses a number of the rules, where a purchase bucket
 * leaves a rolling window (the windows' totals and the RFM scores), and where pAlive crosses a number of the
 * rules. Undefined when a rule reads the expected purchases of a customer with purchase days, which are not
 * shown to move one way only: the stage is then evaluated at every candidate.
 */
function timeChanges(
  model: LifecycleModel,
  clock: LifecycleClock,
  bases: readonly number[],
  purchases: PurchaseSummary,
  now: number,
): Float64Array | undefined {
  const pAliveNow = clock.pAliveAt(now);
  let readsPAlive = false;
  for (const { adds } of model.stages) {
    if (adds.expected && pAliveNow !== null) return undefined;
    readsPAlive ||= adds.pAlive;
  }
  const { dayMarks, numbers } = model;
  const buckets = purchases.days.length + purchases.weeks.length;
  const changes = new Float64Array(
    bases.length * dayMarks.length + buckets * WINDOWS.length + numbers.length * 2,
  );
  let count = 0;
  for (const base of bases) for (const day of dayMarks) changes[count++] = base + day * DAY_MS;
  for (const [day] of purchases.days)
    for (const window of WINDOWS) changes[count++] = (day + window) * DAY_MS;
  for (const [week] of purchases.weeks)
    for (const window of WINDOWS) changes[count++] = (week * 7 + window) * DAY_MS;
  if (readsPAlive && pAliveNow !== null) {
    const horizon = now + HORIZON_DAYS * DAY_MS;
    for (const n of numbers) {
      if (n < 0 || n > 1) continue;
      count = putFirstBelow(clock, n, false, pAliveNow, now, horizon, changes, count);
      count = putFirstBelow(clock, n, true, pAliveNow, now, horizon, changes, count);
    }
  }
  return changes.subarray(0, count).sort();
}

/**
 * Puts at `count` the first whole millisecond in (now, horizon] at which pAlive is below `n` (or equal to it,
 * with `orEqual`), if there is one, by binary search; returns the count after. pAlive never rises with time (T
 * only grows, and P(alive) falls as T grows for a customer who bought again; it is 1 for one who did not), so
 * each such comparison changes at most once, and a number compared with pAlive in a rule matches it by nothing
 * but these two comparisons.
 */
function putFirstBelow(
  clock: LifecycleClock,
  n: number,
  orEqual: boolean,
  pAliveNow: number,
  now: number,
  horizon: number,
  into: Float64Array,
  count: number,
): number {
  if (isBelow(pAliveNow, n, orEqual) || !isBelow(clock.pAliveAt(horizon), n, orEqual)) return count;
  let low = now;
  let high = horizon;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (isBelow(clock.pAliveAt(mid), n, orEqual)) high = mid;
    else low = mid;
  }
  into[count] = high;
  return count + 1;
}

function isBelow(value: number | null, n: number, orEqual: boolean): boolean {
  return value !== null && (value < n || (orEqual && value === n));
}

/** The first minute within (from, to] at which the stage is no longer `current`, by binary search. */
function refine(clock: StageOverTime, current: LifecycleStage | undefined, from: number, to: number): number {
  let low = from;
  let high = to;
  while (high - low > MINUTE) {
    const mid = Math.floor((low + high) / 2);
    if (clock.stageAt(mid).stage !== current) high = mid;
    else low = mid;
  }
  return high;
}
