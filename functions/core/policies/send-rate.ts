/**
 * The send-rate limit of a journey (`sendRate.perSecond`): at most that many of its messages in any one second,
 * across every deliver instance. Each send that passed the policies reserves a second: the earliest second, at
 * or after its own, with a place left. A send whose second is later waits for it (on the send queue, with its
 * decision), so a burst is spread, never dropped. The one decision is `reserveSecond`; where the counter lives
 * is a port (ports/send-rate.ts): in memory in the simulator, one item per journey in the table on the local
 * stack and AWS, written with a condition on what was read.
 */

/** A journey's counter: the latest second reserved, and how many sends reserved it. */
export type RateCounter = { second: number; count: number };

/** The second a send reserves, given the counter as read, its own second and the limit; and the new counter. */
export function reserveSecond(
  counter: RateCounter | undefined,
  fromSecond: number,
  perSecond: number,
): { second: number; counter: RateCounter } {
  if (!counter || counter.second < fromSecond)
    return { second: fromSecond, counter: { second: fromSecond, count: 1 } };
  if (counter.count < perSecond)
    return { second: counter.second, counter: { second: counter.second, count: counter.count + 1 } };
  const next = counter.second + 1;
  return { second: next, counter: { second: next, count: 1 } };
}
