/**
 * Where each journey's send-rate counter lives (policies/send-rate.ts): `reserve` applies `reserveSecond` to the
 * stored counter atomically and returns the second reserved (epoch seconds).
 */
export interface SendRateCounters {
  reserve(journeyId: string, fromSecond: number, perSecond: number): Promise<number>;
}
