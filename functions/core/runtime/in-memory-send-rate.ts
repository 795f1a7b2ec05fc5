import { type RateCounter, reserveSecond } from '../policies/send-rate.ts';
import type { SendRateCounters } from '../ports/send-rate.ts';

/** The send-rate counters in memory: exact, since one event loop runs one reservation at a time. */
export class InMemorySendRateCounters implements SendRateCounters {
  private readonly counters = new Map<string, RateCounter>();
  /**
   * How many sends asked for each second, per journey, and the journey's limit: a share of a split simulation
   * reports them, so that the merge can tell whether the limit, which all shares share, ever bound
   * (simulate/subset.ts, overLimit).
   */
  readonly asked = new Map<string, RateAsked>();
  /**
   * The customers whose sends asked, per journey: where a limit bound across shares, they are the ones it
   * couples, simulated again together (simulate/subset.ts).
   */
  readonly askers = new Map<string, Set<string>>();

  async reserve(journeyId: string, fromSecond: number, perSecond: number, customer: string): Promise<number> {
    const { second, counter } = reserveSecond(this.counters.get(journeyId), fromSecond, perSecond);
    this.counters.set(journeyId, counter);
    const key = `${journeyId}\u0000${fromSecond}`;
    const asked = this.asked.get(key);
    if (asked) asked.count++;
    else this.asked.set(key, { journeyId, second: fromSecond, count: 1, perSecond });
    const askers = this.askers.get(journeyId);
    if (askers) askers.add(customer);
    else this.askers.set(journeyId, new Set([customer]));
    return second;
  }
}

/** The sends of a journey that asked for one second, and its limit per second. */
export type RateAsked = { journeyId: string; second: number; count: number; perSecond: number };
