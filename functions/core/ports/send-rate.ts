/**
 * Where each journey's send-rate counter lives (policies/send-rate.ts): `reserve` applies `reserveSecond` to the
 * stored counter atomically and returns the second reserved (epoch seconds).
 */
export interface SendRateCounters {
  /** `customer`: whose send asks, which the simulator records to tell which customers a limit couples. */
  reserve(journeyId: string, fromSecond: number, perSecond: number, customer: string): Promise<number>;
}
