import type { CustomerEvent } from '../core/events/index.ts';
import type { CallQueue, EnqueuedCall } from '../core/ports/call-queue.ts';
import type { EventPublisher } from '../core/ports/event-publisher.ts';
import type { Enqueued, SendQueue } from '../core/ports/send-queue.ts';
import type { QueueMessage } from '../core/runtime/in-memory-queue.ts';
import type { LocalQueue } from './journaled-queue.ts';

/**
 * A local SQS queue: the simulator's in-memory queue, holding message bodies as text, as SQS does (with
 * `--data DIR`, journaled to a file as well: journaled-queue.ts).
 */
export type { LocalQueue };
export type LocalMessage = QueueMessage<string>;

/** The send queue port over a local queue: the same body and delay as `SqsSendQueue`. */
export function localSendQueue(queue: LocalQueue): SendQueue {
  return {
    async enqueue(messages: readonly Enqueued[]) {
      for (const message of messages) queue.send(JSON.stringify(message.send), message.delaySeconds);
    },
  };
}

/** Emitted events back onto the local ingest queue, as `SqsEventPublisher` does on AWS. */
export function localEventPublisher(queue: LocalQueue): EventPublisher {
  return {
    async publish(events: readonly CustomerEvent[]) {
      for (const event of events) queue.send(JSON.stringify(event));
    },
  };
}

/** The calls queue port over a local queue: the same body and delay as `SqsCallQueue`. */
export function localCallQueue(queue: LocalQueue): CallQueue {
  return {
    async enqueue(messages: readonly EnqueuedCall[]) {
      for (const message of messages) queue.send(JSON.stringify(message.call), message.delaySeconds);
    },
  };
}
