import type { SimulationPart } from './part.ts';
import type { QueueWait } from './queue-waits.ts';

/**
 * Where a journey's send-rate limit binds across the shares of a split simulation, only the customers it couples
 * need simulating together: customers do not meet in the runtime but through that limit and through the clock's
 * stops. This file says which customers are coupled; `cairn simulate` (cli/simulate/subset-rerun.ts) simulates
 * them again on one share and merges (subset-merge.ts).
 *
 * A customer who never asked for a send of a bound journey had every send granted the second it asked for, and
 * no paced send of theirs stopped the clock: their part of the split run is what one simulation gives, unless
 * the coupled customers' sends, queued behind each other, now stop the clock inside one of their waits, or ask a
 * second of another limited journey that they asked for too (`coupledAfterRerun`).
 */

type Asked = SimulationPart['rateAsked'][number];

const keyOf = (asked: Asked) => `${asked.journeyId}\u0000${asked.second}`;

/** The sends asked per journey and second, all groups added up, with each journey's limit. */
function sumAsked(groups: readonly (readonly Asked[])[], sign = 1, into = new Map<string, Asked>()) {
  for (const group of groups)
    for (const asked of group) {
      const key = keyOf(asked);
      const sum = into.get(key);
      if (sum) sum.count += sign * asked.count;
      else into.set(key, { ...asked, count: sign * asked.count });
    }
  return into;
}

/**
 * The journeys whose limit some second was asked for by more sends than it allows, all groups together: where
 * none was, every send got the second it asked for, in one simulation as in the groups apart (the clock only
 * moves forward, so a counter is only ever behind by a second that was over its limit).
 */
export function overLimit(groups: readonly (readonly Asked[])[]): Set<string> {
  const over = new Set<string>();
  for (const asked of sumAsked(groups).values()) if (asked.count > asked.perSecond) over.add(asked.journeyId);
  return over;
}

/** The customers whose sends asked a second of one of `journeys`, in any part. */
export function askersOf(parts: readonly SimulationPart[], journeys: ReadonlySet<string>): Set<string> {
  const askers = new Set<string>();
  for (const part of parts)
    for (const [journeyId, customers] of Object.entries(part.rateAskers))
      if (journeys.has(journeyId)) for (const customer of customers) askers.add(customer);
  return askers;
}

/**
 * Whether simulating a subset apart costs less than simulating the whole file again on one worker: apart, its
 * customers' lines are simulated twice (together, and each share's alone beside it), the others' not at all.
 */
export function cheaperApart(subsetLines: number, allLines: number): boolean {
  return 2 * subsetLines < allLines;
}

/** What the subset's rerun (cli/simulate/subset-rerun.ts) gives to check the merge with. */
export type SubsetRun = {
  /** The first pass, every customer in their share. */
  parallel: readonly SimulationPart[];
  /** The subset again in the same shares, each share alone: its part in `parallel`. */
  shadow: readonly SimulationPart[];
  /** The subset together, on one share. */
  together: SimulationPart;
};

/**
 * The journeys whose limit now couples the rest of the customers with the subset: asked by the rest (the
 * parallel pass's asks less the subset's part in them) and by the subset together, and over its limit in some
 * second, both together. A journey only the subset asks for is queued as one counter queues it, in its rerun.
 */
export function coupledJourneys(run: SubsetRun): Set<string> {
  const rest = sumAsked([run.parallel.flatMap((part) => part.rateAsked)]);
  sumAsked([run.shadow.flatMap((part) => part.rateAsked)], -1, rest);
  const restAsked = [...rest.values()].filter((asked) => asked.count > 0);
  const askedByRest = new Set(restAsked.map((asked) => asked.journeyId));
  return new Set([...overLimit([restAsked, run.together.rateAsked])].filter((id) => askedByRest.has(id)));
}

/**
 * Whether a wait of a customer of the rest, in the parallel pass's share with paced stops `shareStops`, may
 * have been handled at another time in one simulation, whose paced stops are the subset's together
 * (`subsetStops`, ascending): one of those fell inside the wait, where it would have handled the message
 * earlier, or the wait ended at a paced stop of its share that one simulation does not have.
 */
export function waitCoupled(
  wait: QueueWait,
  shareStops: ReadonlySet<number>,
  subsetStops: readonly number[],
  subsetStopSet: ReadonlySet<number>,
): boolean {
  if (shareStops.has(wait.to) && !subsetStopSet.has(wait.to)) return true;
  // The first of the subset's stops at or after the message became visible: inside the wait when before its end.
  let low = 0;
  let high = subsetStops.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((subsetStops[mid] ?? 0) < wait.from) low = mid + 1;
    else high = mid;
  }
  const first = subsetStops[low];
  return first !== undefined && first < wait.to;
}
