import type { InMemoryQueue, QueueMessage } from '../runtime/in-memory-queue.ts';
import type { CatalogSource } from '../runtime/journey-catalog.ts';
import { noteWaits, type QueueWait } from './queue-waits.ts';

/** What a receive of the simulation's queues reads and records beside the queue itself. */
export type BatchContext = {
  /** The virtual time of the receive. */
  now: number;
  /** The seconds the clock stopped at for paced sends (Simulation.pacedStops). */
  pacedStops: ReadonlySet<number>;
  onWait: ((wait: QueueWait) => void) | undefined;
  /** The last error of each message that threw, by message id, for the redrive record. */
  errors: Map<string, string>;
};

/** One receive of a queue, each message handled in turn; one that throws stays, to be received again. */
export async function runQueueBatch<T>(
  queue: InMemoryQueue<T>,
  size: number,
  catalog: CatalogSource,
  handle: (message: QueueMessage<T>) => Promise<unknown>,
  customerOf: (body: T) => string,
  context: BatchContext,
): Promise<boolean> {
  const batch = queue.receive(size);
  if (batch.length === 0) return false;
  const { onWait } = context;
  if (onWait) noteWaits(batch, customerOf, context.now, context.pacedStops, onWait);
  // As an invocation does before it handles its batch (handlers/shared/journey-catalog.ts, refreshing).
  await catalog.refreshIfStale?.();
  const failed = new Set<string>();
  for (const message of batch) {
    try {
      await handle(message);
    } catch (error) {
      failed.add(message.messageId);
      context.errors.set(message.messageId, error instanceof Error ? error.message : String(error));
    }
  }
  queue.settle(batch, failed);
  return true;
}
