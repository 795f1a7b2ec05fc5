// When a customer's lifecycle stage would next change with time alone: the boundary the lifecycle timer is
// set at (docs/lifecycle.md).
import type { LifecycleStage } from '../journeys/schema.ts';
import type { Profile } from '../profile/profile.ts';
import { CandidatesNear, type ChangesAfter, orderedCandidates, timeChanges } from './boundary-instants.ts';
import { LifecycleClock, readsProfileView } from './lifecycle.ts';
import type { LifecycleModel } from './lifecycle-model.ts';
import { NO_PURCHASES, type PurchaseSummary } from './purchases.ts';

const MINUTE = 60_000;

/** A customer's clock and the stage it gives at `now`, as the caller evaluated them. */
export type KnownStage = { clock: LifecycleClock; stage: LifecycleStage | undefined };

/**
 * When the stage would next change if nothing else happened, to the minute, within 400 days. Between events
 * only time moves the derived fields, and they change a stage only where a day count reaches a number used
 * in the rules, a purchase leaves a rolling window, or pAlive drifts; those instants and a weekly grid are
 * the candidates, and a binary search narrows the first change down to the minute. `known` is the clock and
 * the stage at `now` of this very profile when the caller has them already (the engine evaluated the stage).
 */
export function nextStageBoundary(
  model: LifecycleModel,
  userId: string,
  profile: Profile,
  now: number,
  known?: KnownStage,
): number | undefined {
  const clock = known?.clock ?? new LifecycleClock(userId, profile, model);
  const current = known ? known.stage : clock.stageAt(now).stage;
  const offsets = profile.purchases === undefined ? offsetsOf(model) : undefined;
  if (!offsets) return searchBoundary(model, clock, current, profile, now);
  const key = `${current ?? ''} ${since(profile.firstSeenAt, now)} ${since(profile.lastSeenAt, now)}`;
  const remembered = offsets.get(key);
  if (remembered !== undefined) return remembered === NO_BOUNDARY ? undefined : now + remembered;
  const found = searchBoundary(model, clock, current, profile, now);
  if (offsets.size >= MAX_REMEMBERED_OFFSETS) offsets.clear();
  offsets.set(key, found === undefined ? NO_BOUNDARY : found - now);
  return found;
}

function searchBoundary(
  model: LifecycleModel,
  clock: LifecycleClock,
  current: LifecycleStage | undefined,
  profile: Profile,
  now: number,
): number | undefined {
  const purchases = profile.purchases ?? NO_PURCHASES;
  const bases = dayCountBases(profile, purchases);
  const changes = timeChanges(model, clock, profile, purchases, now);
  if (!changes) return scanEveryCandidate(model, clock, current, bases, purchases, now);
  return scanChanges(new CandidatesNear(model, bases, purchases, now), clock, current, now, changes);
}

/**
 * The boundaries found for customers without purchases, as offsets from `now`, per model whose rules read no
 * profile field: by the stage and how long ago the customer was first and last seen. For such a customer the
 * view at any time is made of the day counts since those two instants alone (no purchase, no window, no RFM
 * score, no pAlive), and the search's instants are those two, the rules' numbers and a weekly grid from `now`,
 * all shifted with them, in whole milliseconds (the binary search's midpoints too): the same search at
 * another `now` with the same offsets finds the boundary at the same offset. Every new customer is such a
 * customer at their first event, with the same offsets (zero), and searched once per model instead of once
 * each. Property-tested against the plain search (test/core/lifecycle/boundary-memo.property.test.ts).
 */
function offsetsOf(model: LifecycleModel): Map<string, number> | undefined {
  let offsets = offsetsByModel.get(model);
  if (offsets === undefined) {
    offsets = readsProfileView(model) ? null : new Map();
    offsetsByModel.set(model, offsets);
  }
  return offsets ?? undefined;
}

const offsetsByModel = new WeakMap<LifecycleModel, Map<string, number> | null>();
/** Bounded, though a model's customers without purchases share few offsets (most have a pending boundary). */
const MAX_REMEMBERED_OFFSETS = 10_000;
/** An offset that stands for no boundary within the horizon (a boundary is always after `now`). */
const NO_BOUNDARY = -1;

/** Milliseconds from `at` to `now`, or `-` for a time the profile does not have. */
function since(at: number | undefined, now: number): string {
  return at === undefined ? '-' : String(now - at);
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
  if (skipUnchanged) return nextStageBoundary(model, userId, profile, now);
  const clock = new LifecycleClock(userId, profile, model);
  const current = clock.stageAt(now).stage;
  const purchases = profile.purchases ?? NO_PURCHASES;
  return scanEveryCandidate(model, clock, current, dayCountBases(profile, purchases), purchases, now);
}

/**
 * The plain scan: the stage evaluated at every candidate instant in order, and at every midpoint of the binary
 * search in the first interval where it changed. The hot path's when a rule reads a buyer's expected
 * purchases, which are not shown to move one way only.
 */
function scanEveryCandidate(
  model: LifecycleModel,
  clock: LifecycleClock,
  current: LifecycleStage | undefined,
  bases: readonly number[],
  purchases: PurchaseSummary,
  now: number,
): number | undefined {
  const ordered = orderedCandidates(model, bases, purchases, now);
  let before = now;
  for (let i = 0; i < ordered.length; i++) {
    const at = ordered[i] ?? Number.NaN;
    // Sorted: an instant given twice is tried once.
    if (at === ordered[i - 1]) continue;
    if (clock.stageAt(at).stage !== current) return refine(clock, current, before, at);
    before = at;
  }
  return undefined;
}

/**
 * The scan that skips: between two candidates the stage stays the one at the first of them unless a field
 * that time moves crossed a number of the rules in between (a change), so the stage is evaluated only at the
 * first candidate at or after each change, and a change of stage found there is narrowed down from the
 * candidate before it, evaluating the stage at the changes in between only (stepwise). No change left: no
 * boundary. Candidates and changes are asked for one at a time, none made or sorted in advance.
 */
function scanChanges(
  candidates: CandidatesNear,
  clock: LifecycleClock,
  current: LifecycleStage | undefined,
  now: number,
  changes: ChangesAfter,
): number | undefined {
  let before = now;
  for (;;) {
    const change = changes.after(before);
    if (change === Number.POSITIVE_INFINITY) return undefined;
    const at = candidates.near(change, true);
    if (at === undefined) return undefined;
    if (clock.stageAt(at).stage !== current) {
      const from = candidates.near(at, false) ?? now;
      return refine(stepwise(clock, current, from, at, changes), current, from, at);
    }
    before = at;
  }
}

/** What is asked of a customer's stage over time while a boundary is narrowed down. */
type StageOverTime = { stageAt(at: number): { stage: LifecycleStage | undefined } };

/**
 * The stage between `from` and `to`: it changes only at the changes, so it is evaluated there once each, and
 * at any other instant it is the stage at the latest change before (at `from`, the current one). The binary
 * search over it then finds what evaluating the stage at each of its midpoints finds.
 */
function stepwise(
  clock: LifecycleClock,
  current: LifecycleStage | undefined,
  from: number,
  to: number,
  changes: ChangesAfter,
): StageOverTime {
  const steps: { at: number; stage: LifecycleStage | undefined }[] = [];
  for (let at = changes.after(from); at <= to; at = changes.after(at))
    steps.push({ at, stage: clock.stageAt(at).stage });
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
