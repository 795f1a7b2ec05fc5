import { type RateCounter, reserveSecond } from '../policies/send-rate.ts';
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
/** The sends asked for one second of one journey, all groups together, and whose (those `of` kept). */
type Second = { journeyId: string; second: number; count: number; perSecond: number; customers: Set<string> };

const keyOf = (asked: Asked) => `${asked.journeyId}\u0000${asked.second}`;

/** The sends asked per journey and second, all groups added up (`sign` -1: taken away), and whose. */
function sumAsked(groups: readonly (readonly Asked[])[], sign = 1, into = new Map<string, Second>()) {
  for (const group of groups)
    for (const asked of group) {
      const key = keyOf(asked);
      const sum = into.get(key) ?? { ...asked, count: 0, customers: new Set<string>() };
      sum.count += sign * asked.count;
      if (sign > 0) for (const customer of asked.customers) sum.customers.add(customer);
      into.set(key, sum);
    }
  return into;
}

/**
 * The seconds whose sends a journey's limit queued, all groups together: asked for by more sends than it
 * allows, or reached by the queue of an earlier second (policies/send-rate.ts, replayed as one counter of all
 * the sends). Every send that asked for any other second got it, whoever else asked, and took no place another
 * send needed: the clock only moves forward, so the counter is past a second only through a queue. The sends of
 * one second are in the order the customers' events came, so every customer who asked for a queued second is
 * coupled with the others who did.
 */
function queuedSeconds(seconds: Iterable<Second>): Second[] {
  const byJourney = new Map<string, Second[]>();
  for (const second of seconds) {
    if (second.count <= 0) continue;
    const list = byJourney.get(second.journeyId) ?? [];
    list.push(second);
    byJourney.set(second.journeyId, list);
  }
  const queued: Second[] = [];
  for (const list of byJourney.values()) {
    let counter: RateCounter | undefined;
    for (const asked of list.sort((a, b) => a.second - b.second)) {
      const behind = counter !== undefined && counter.second >= asked.second;
      // The limit's own decision, one reservation per send asked for this second.
      let later = false;
      for (let send = 0; send < asked.count; send++) {
        const reserved = reserveSecond(counter, asked.second, asked.perSecond);
        later ||= reserved.second > asked.second;
        counter = reserved.counter;
      }
      if (behind || later) queued.push(asked);
    }
  }
  return queued;
}

/**
 * Where a journey's limit queued sends across the shares of the first pass (queuedSeconds): the journeys, and
 * the customers whose sends asked for a queued second, whom the limit couples.
 */
export function boundAskers(parts: readonly SimulationPart[]): {
  journeys: Set<string>;
  customers: Set<string>;
} {
  const queued = queuedSeconds(sumAsked(parts.map((part) => part.rateAsked)).values());
  return {
    journeys: new Set(queued.map((asked) => asked.journeyId)),
    customers: new Set(queued.flatMap((asked) => [...asked.customers])),
  };
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
 * The customers of the rest (not in `subset`) whose sends asked for a second that a limit queues once the
 * subset's sends are those of its rerun: the first pass's asks less the subset's part in them (the shadow's),
 * with the subset's together, replayed as one counter (queuedSeconds).
 */
export function coupledAskers(run: SubsetRun, subset: ReadonlySet<string>): Set<string> {
  const rest = sumAsked([run.parallel.flatMap((part) => part.rateAsked)]);
  sumAsked([run.shadow.flatMap((part) => part.rateAsked)], -1, rest);
  const restAsked: Asked[] = [...rest.values()]
    .filter((asked) => asked.count > 0)
    .map((asked) => ({ ...asked, customers: [...asked.customers].filter((c) => !subset.has(c)) }));
  const queued = queuedSeconds(sumAsked([restAsked, run.together.rateAsked]).values());
  const coupled = new Set<string>();
  for (const asked of queued)
    for (const customer of asked.customers) if (!subset.has(customer)) coupled.add(customer);
  return coupled;
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
