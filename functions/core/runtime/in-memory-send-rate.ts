import { type RateCounter, reserveSecond } from '../policies/send-rate.ts';
import type { SendRateCounters } from '../ports/send-rate.ts';

/** The send-rate counters in memory: exact, since one event loop runs one reservation at a time. */
export class InMemorySendRateCounters implements SendRateCounters {
  private readonly counters = new Map<string, RateCounter>();
  /**
   * How many sends asked for each second, per journey, the journey's limit, and whose sends they were: a share of
   * a split simulation reports them, so that the merge can tell where the limit, which all shares share, queued
   * sends, and whose (simulate/subset.ts, queuedAskers).
   */
  readonly asked = new Map<string, RateAsked>();

  async reserve(journeyId: string, fromSecond: number, perSecond: number, customer: string): Promise<number> {
    const { second, counter } = reserveSecond(this.counters.get(journeyId), fromSecond, perSecond);
    this.counters.set(journeyId, counter);
    const key = `${journeyId}\u0000${fromSecond}`;
    const asked = this.asked.get(key);
    if (asked) {
      asked.count++;
      asked.customers.add(customer);
    } else
      this.asked.set(key, {
        journeyId,
        second: fromSecond,
        count: 1,
        perSecond,
        customers: new Set([customer]),
      });
    return second;
  }
}

/** The sends of a journey that asked for one second, its limit per second, and whose sends they were. */
export type RateAsked = {
  journeyId: string;
  second: number;
  count: number;
  perSecond: number;
  customers: Set<string>;
};
