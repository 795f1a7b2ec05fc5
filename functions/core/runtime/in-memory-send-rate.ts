import { type RateCounter, reserveSecond } from '../policies/send-rate.ts';
import type { SendRateCounters } from '../ports/send-rate.ts';

/** The send-rate counters in memory: exact, since one event loop runs one reservation at a time. */
export class InMemorySendRateCounters implements SendRateCounters {
  private readonly counters = new Map<string, RateCounter>();

  async reserve(journeyId: string, fromSecond: number, perSecond: number): Promise<number> {
    const { second, counter } = reserveSecond(this.counters.get(journeyId), fromSecond, perSecond);
    this.counters.set(journeyId, counter);
    return second;
  }
}
