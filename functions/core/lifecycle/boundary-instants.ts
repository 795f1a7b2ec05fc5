// The instants the next-stage-boundary search (stage-boundary.ts) looks at: the candidates it evaluates the
// stage at, and the changes, where a field that time moves crosses a number of the rules.
import type { Profile } from '../profile/profile.ts';
import type { LifecycleClock } from './lifecycle.ts';
import type { DayMarks, LifecycleModel } from './lifecycle-model.ts';
import { DAY_MS, type PurchaseSummary } from './purchases.ts';

export const HORIZON_DAYS = 400;

/** The rolling windows of the view (30, 90 and 365 days), whose totals and RFM scores a purchase leaves. */
const WINDOWS = [30, 90, 365] as const;

/**
 * The instants at which the stage may change, within (now, now + 400 days], in ascending order (an instant may
 * be given twice): where a day count reaches a number of the rules, a purchase leaves a rolling window, and a
 * weekly grid for pAlive's drift. A typed array, sorted numerically without a comparison function.
 */
export function orderedCandidates(
  model: LifecycleModel,
  bases: readonly number[],
  purchases: PurchaseSummary,
  now: number,
): Float64Array {
  const horizon = now + HORIZON_DAYS * DAY_MS;
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
  for (const { 0: day } of purchases.days)
    for (const window of WINDOWS) count = putWithin(candidates, count, (day + window) * DAY_MS, now, horizon);
  for (const { 0: week } of purchases.weeks)
    count = putWithin(candidates, count, (week * 7 + 365) * DAY_MS, now, horizon);
  for (let d = 7; d <= HORIZON_DAYS; d += 7)
    count = putWithin(candidates, count, now + d * DAY_MS, now, horizon);
  return candidates.subarray(0, count).sort();
}

/** Puts `at` at `count` when it is within (now, horizon]; returns the count after. */
function putWithin(into: Float64Array, count: number, at: number, now: number, horizon: number): number {
  if (!(at > now && at <= horizon)) return count;
  into[count] = at;
  return count + 1;
}

/**
 * orderedCandidates' instants, asked for one at a time instead of made and sorted: `near(x, true)` is the least
 * at or after x, `near(x, false)` the greatest before x, undefined when there is none. Each walks the
 * candidates' sources (the day counts' in ascending order, stopping past x). A class, not closures: one is made
 * per search, and tsx and the bundles wrap each named closure made.
 */
export class CandidatesNear {
  private x = 0;
  private after = true;
  private best = 0;
  private readonly horizon: number;

  constructor(
    private readonly model: LifecycleModel,
    private readonly bases: readonly number[],
    private readonly purchases: PurchaseSummary,
    private readonly now: number,
  ) {
    this.horizon = now + HORIZON_DAYS * DAY_MS;
  }

  near(x: number, after: boolean): number | undefined {
    this.x = x;
    this.after = after;
    this.best = after ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    const { bases, model, purchases, now } = this;
    const { thresholds } = model;
    // Ascending in n for each base: the first past x on either side ends its walk.
    for (const base of bases) {
      for (let i = 0; i < thresholds.length; i++)
        if (this.considered(base + (thresholds[i] ?? 0) * DAY_MS)) break;
      for (let i = 0; i < thresholds.length; i++)
        if (this.considered(base + ((thresholds[i] ?? 0) + 1) * DAY_MS)) break;
    }
    for (const { 0: day } of purchases.days)
      for (const window of WINDOWS) this.considered((day + window) * DAY_MS);
    for (const { 0: week } of purchases.weeks) this.considered((week * 7 + 365) * DAY_MS);
    // The weekly grid, now + d days for d = 7, 14, ... up to 400: the nearest on the asked side of x (with the
    // neighbours, against rounding in the division).
    const weeks = Math.min(Math.max(1, Math.ceil((x - now) / (7 * DAY_MS))), Math.ceil(HORIZON_DAYS / 7));
    const k = after ? weeks : weeks - 1;
    for (let d = 7 * (k - 1); d <= 7 * (k + 1); d += 7)
      if (d >= 7 && d <= HORIZON_DAYS) this.considered(now + d * DAY_MS);
    return Number.isFinite(this.best) ? this.best : undefined;
  }

  /** Takes `at` when it is within (now, horizon] and nearer x on the asked side; true once `at` is at or past x. */
  private considered(at: number): boolean {
    if (at > this.now && at <= this.horizon) {
      if (this.after ? at >= this.x && at < this.best : at < this.x && at > this.best) this.best = at;
    }
    return at >= this.x;
  }
}

/**
 * The instants at which a field of the view that time moves can change a stage rule's outcome, asked for one at
 * a time (`after(x)`: the least one after x, or infinity): where a days-since count crosses a number the rules
 * compare it with (its day marks), where a purchase bucket leaves a rolling window (the windows' totals and the RFM scores), and where
 * pAlive crosses a number of the rules. Made by `timeChanges`.
 */
export class ChangesAfter {
  constructor(
    private readonly marks: DayMarks,
    private readonly profile: Profile,
    private readonly purchases: PurchaseSummary,
    /** Where pAlive crosses a number of the rules: few, found by binary search when the search starts. */
    private readonly pAliveCrossings: readonly number[],
  ) {}

  after(x: number): number {
    const { marks, profile, purchases } = this;
    let best = firstMarkAfter(Number.POSITIVE_INFINITY, profile.firstSeenAt, marks.firstSeen, x);
    best = firstMarkAfter(best, profile.lastSeenAt, marks.lastSeen, x);
    best = firstMarkAfter(best, purchases.firstOrderAt, marks.firstOrder, x);
    best = firstMarkAfter(best, purchases.lastOrderAt, marks.lastOrder, x);
    for (const { 0: day } of this.purchases.days)
      for (const window of WINDOWS) best = leastAfter(best, (day + window) * DAY_MS, x);
    for (const { 0: week } of this.purchases.weeks)
      for (const window of WINDOWS) best = leastAfter(best, (week * 7 + window) * DAY_MS, x);
    for (const at of this.pAliveCrossings) best = leastAfter(best, at, x);
    return best;
  }
}

/** The least of `best` and the first day mark after `base` that is after x (the marks ascending). */
function firstMarkAfter(best: number, base: number | undefined, marks: readonly number[], x: number): number {
  if (base === undefined) return best;
  for (let i = 0; i < marks.length; i++) {
    const at = base + (marks[i] ?? 0) * DAY_MS;
    if (at > x) return at < best ? at : best;
  }
  return best;
}

function leastAfter(best: number, at: number, x: number): number {
  return at > x && at < best ? at : best;
}

/**
 * The changes of a customer from `now` on; undefined when a rule reads the expected purchases of a customer
 * with purchase days, which are not shown to move one way only: the stage is then evaluated at every candidate.
 */
export function timeChanges(
  model: LifecycleModel,
  clock: LifecycleClock,
  profile: Profile,
  purchases: PurchaseSummary,
  now: number,
): ChangesAfter | undefined {
  const pAliveNow = clock.pAliveAt(now);
  let readsPAlive = false;
  for (const { adds } of model.stages) {
    if (adds.expected && pAliveNow !== null) return undefined;
    readsPAlive ||= adds.pAlive;
  }
  const crossings: number[] = [];
  if (readsPAlive && pAliveNow !== null) {
    const horizon = now + HORIZON_DAYS * DAY_MS;
    for (const n of model.numbers) {
      if (n < 0 || n > 1) continue;
      putFirstBelow(clock, n, false, pAliveNow, now, horizon, crossings);
      putFirstBelow(clock, n, true, pAliveNow, now, horizon, crossings);
    }
  }
  return new ChangesAfter(model.dayMarks, profile, purchases, crossings);
}

/**
 * Puts the first whole millisecond in (now, horizon] at which pAlive is below `n` (or equal to it, with
 * `orEqual`), if there is one, found by binary search. pAlive never rises with time (T only grows, and P(alive)
 * falls as T grows for a customer who bought again; it is 1 for one who did not), so each such comparison
 * changes at most once, and a number compared with pAlive in a rule matches it by nothing but these two
 * comparisons.
 */
function putFirstBelow(
  clock: LifecycleClock,
  n: number,
  orEqual: boolean,
  pAliveNow: number,
  now: number,
  horizon: number,
  into: number[],
): void {
  if (isBelow(pAliveNow, n, orEqual) || !isBelow(clock.pAliveAt(horizon), n, orEqual)) return;
  let low = now;
  let high = horizon;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (isBelow(clock.pAliveAt(mid), n, orEqual)) high = mid;
    else low = mid;
  }
  into.push(high);
}

function isBelow(value: number | null, n: number, orEqual: boolean): boolean {
  return value !== null && (value < n || (orEqual && value === n));
}
