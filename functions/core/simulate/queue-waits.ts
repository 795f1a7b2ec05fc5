import type { QueueMessage } from '../runtime/in-memory-queue.ts';

/**
 * A customer's queue message that became visible at `from` and was handled at `to`: when it is handled depends
 * on the clock's stops, which customers share (simulate/subset.ts, waitCoupled).
 */
export type QueueWait = { userId: string; from: number; to: number };

/**
 * Tells `onWait` of the messages of a batch received at `to` that waited for this stop of the clock, or were
 * handled at one of the simulation's own paced stops (`pacedStops`).
 */
export function noteWaits<T>(
  batch: readonly QueueMessage<T>[],
  customerOf: (body: T) => string,
  to: number,
  pacedStops: ReadonlySet<number>,
  onWait: (wait: QueueWait) => void,
): void {
  for (const { body, visibleSince } of batch) {
    const from = visibleSince ?? to;
    if (from < to || pacedStops.has(to)) onWait({ userId: customerOf(body), from, to });
  }
}
