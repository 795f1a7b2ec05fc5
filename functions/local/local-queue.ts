import { randomUUID } from 'node:crypto';
import type { CustomerEvent } from '../core/events/index.ts';
import type { EventPublisher } from '../core/ports/event-publisher.ts';
import type { Enqueued, SendQueue } from '../core/ports/send-queue.ts';
import type { LocalClock } from './clock.ts';

export type LocalMessage = { messageId: string; body: string; visibleAt: number; receiveCount: number };

export type LocalQueueOptions = {
  /** How long a received message stays invisible before it can be received again (SQS default: 30 s). */
  visibilityTimeoutMs?: number;
  /** Receives after which a message that keeps failing moves to the dead letters (the redrive policy). */
  maxReceiveCount?: number;
  /** Where a message goes after its last receive. */
  onDeadLetter: (message: LocalMessage, queue: string) => void;
};

/**
 * An SQS queue in memory, on the stack's clock: delays, visibility timeouts, receive counts and a redrive to
 * dead letters, which is what the handlers rely on. Not FIFO, like the queues the CDK app deploys.
 */
export class LocalQueue {
  private readonly messages: LocalMessage[] = [];
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;

  constructor(
    readonly name: string,
    private readonly clock: LocalClock,
    private readonly options: LocalQueueOptions,
  ) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
  }

  send(body: string, delaySeconds = 0): void {
    this.messages.push({
      messageId: randomUUID(),
      body,
      visibleAt: this.clock.now() + delaySeconds * 1000,
      receiveCount: 0,
    });
  }

  /** Up to `max` visible messages, hidden for the visibility timeout and counted as received. */
  receive(max: number): LocalMessage[] {
    const now = this.clock.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, max);
    for (const message of batch) {
      message.receiveCount++;
      message.visibleAt = now + this.visibilityTimeoutMs;
    }
    return batch.map((m) => ({ ...m }));
  }

  /** Deletes what was handled; a failed message stays, and after its last receive goes to the dead letters. */
  settle(received: readonly LocalMessage[], failedIds: ReadonlySet<string>): void {
    for (const message of received) {
      const index = this.messages.findIndex((m) => m.messageId === message.messageId);
      const stored = this.messages[index];
      if (!stored) continue;
      if (!failedIds.has(message.messageId)) this.messages.splice(index, 1);
      else if (stored.receiveCount >= this.maxReceiveCount) {
        this.messages.splice(index, 1);
        this.options.onDeadLetter(stored, this.name);
      }
    }
  }

  /** When the next message becomes visible; undefined when the queue is empty. */
  nextVisibleAt(): number | undefined {
    return this.messages.reduce<number | undefined>(
      (soonest, m) => Math.min(soonest ?? m.visibleAt, m.visibleAt),
      undefined,
    );
  }

  get depth(): number {
    return this.messages.length;
  }
}

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
