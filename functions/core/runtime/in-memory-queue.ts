import { dueFirst, MinHeap } from '../collections/min-heap.ts';
import type { Clock } from './clock.ts';

export type QueueMessage<T> = {
  messageId: string;
  body: T;
  visibleAt: number;
  receiveCount: number;
  /** In a received message: when it had become visible (visibleAt is then when it is visible again). */
  visibleSince?: number;
};

export type InMemoryQueueOptions<T> = {
  /** How long a received message stays invisible before it can be received again (SQS default: 30 s). */
  visibilityTimeoutMs?: number;
  /** Receives after which a message that keeps failing moves to the dead letters (the redrive policy). */
  maxReceiveCount?: number;
  /** Where a message goes after its last receive. */
  onDeadLetter: (message: QueueMessage<T>, queue: string) => void;
};

/** A place in the order: visible at `dueAt`; `id` is the message's sending order, zero-padded. */
type Slot = { dueAt: number; id: string; messageId: string };

/**
 * An SQS standard queue in memory, on a clock: delays, visibility timeouts, receive counts and a redrive to
 * dead letters, which is what the use cases rely on. The simulator and the local stack both run on it, so
 * both see messages in one order: the earliest visible first, then the order they were sent in. Message
 * ids count up from 1 per queue, so a run is repeatable.
 */
export class InMemoryQueue<T> {
  private readonly live = new Map<string, QueueMessage<T>>();
  // Entries go stale when their message is deleted or hidden again; they are skipped when met.
  private readonly order = new MinHeap<Slot>(dueFirst);
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private sequence = 0;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly options: InMemoryQueueOptions<T>,
  ) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
  }

  /** Puts a message on the queue and returns its id. */
  send(body: T, delaySeconds = 0): string {
    const messageId = `${this.name}-${++this.sequence}`;
    const message = { messageId, body, visibleAt: this.clock.now() + delaySeconds * 1000, receiveCount: 0 };
    this.live.set(messageId, message);
    this.place(message);
    return messageId;
  }

  /** Whether a message is still on the queue (not yet deleted or moved to the dead letters). */
  has(messageId: string): boolean {
    return this.live.has(messageId);
  }

  /** Up to `max` visible messages, hidden for the visibility timeout and counted as received. */
  receive(max: number): QueueMessage<T>[] {
    const now = this.clock.now();
    const batch: QueueMessage<T>[] = [];
    while (batch.length < max) {
      const message = this.head();
      if (!message || message.visibleAt > now) break;
      this.order.pop();
      const visibleSince = message.visibleAt;
      message.receiveCount++;
      message.visibleAt = now + this.visibilityTimeoutMs;
      this.place(message);
      batch.push({ ...message, visibleSince });
    }
    return batch;
  }

  /** Deletes what was handled; a failed message stays, and after its last receive goes to the dead letters. */
  settle(received: readonly QueueMessage<T>[], failedIds: ReadonlySet<string>): void {
    for (const { messageId } of received) {
      const stored = this.live.get(messageId);
      if (!stored) continue;
      if (!failedIds.has(messageId)) this.live.delete(messageId);
      else if (stored.receiveCount >= this.maxReceiveCount) {
        this.live.delete(messageId);
        this.options.onDeadLetter(stored, this.name);
      }
    }
  }

  /** When the next message becomes visible; undefined when the queue is empty. */
  nextVisibleAt(): number | undefined {
    return this.head()?.visibleAt;
  }

  get depth(): number {
    return this.live.size;
  }

  private place(message: QueueMessage<T>): void {
    const sent = message.messageId.slice(this.name.length + 1).padStart(12, '0');
    this.order.push({ dueAt: message.visibleAt, id: sent, messageId: message.messageId });
  }

  /** The earliest live message, dropping the stale entries in front of it. */
  private head(): QueueMessage<T> | undefined {
    for (let slot = this.order.peek(); slot; slot = this.order.peek()) {
      const message = this.live.get(slot.messageId);
      if (message && message.visibleAt === slot.dueAt) return message;
      this.order.pop();
    }
    return undefined;
  }
}
