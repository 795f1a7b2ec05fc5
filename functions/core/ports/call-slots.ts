/**
 * The slots of the call targets that have a bound (`maxConcurrent` on a call step's target): how many calls to
 * one target may be in flight at once, across every calls function instance. A slot is a lease: it is given
 * back after the call, and a slot whose holder crashed frees itself when its lease runs out.
 */
export interface CallSlots {
  /**
   * Takes a slot of `target` for `holder` until `until`, when fewer than `max` unexpired leases are held by
   * others; taking it again as the same holder renews it. False, and nothing held, when there is no free slot.
   */
  acquire(target: string, holder: string, max: number, now: number, until: number): Promise<boolean>;
  /** Gives the holder's slot back; nothing when it holds none. */
  release(target: string, holder: string): Promise<void>;
}
