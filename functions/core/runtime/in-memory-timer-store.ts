import { dueFirst, MinHeap } from '../collections/min-heap.ts';
import type { Timer } from '../engine/state.ts';
import type { TimerStore } from '../ports/timer-store.ts';

/** A timer's identity: ids are unique per customer, so the customer is part of it. */
const keyOf = (timer: Pick<Timer, 'id' | 'userId'>) => JSON.stringify([timer.userId, timer.id]);

type Entry = { dueAt: number; id: string; timer: Timer };

/**
 * Pending timers in memory, for the simulator, tests and in-process runs, on a heap: a million pending waits
 * stay cheap to sweep. Timers are copied in and out, so that a caller changing its object never changes the
 * stored one. A cancelled or fired timer leaves its heap entry behind, skipped when met.
 */
export class InMemoryTimerStore implements TimerStore {
  private readonly timers = new Map<string, Timer>();
  private readonly order = new MinHeap<Entry>(dueFirst);
  /** Handed out by `due` and not yet done: back in the order at the next `due`, as a store would keep them. */
  private handedOut: Entry[] = [];

  /** How many timers are pending. */
  get size(): number {
    return this.timers.size;
  }

  /** The earliest pending due time; undefined when none is pending. */
  nextDueAt(): number | undefined {
    this.restore();
    return this.head()?.dueAt;
  }

  async schedule(timer: Timer): Promise<void> {
    const key = keyOf(timer);
    if (this.timers.has(key)) return;
    const copy = { ...timer };
    this.timers.set(key, copy);
    this.order.push({ dueAt: copy.dueAt, id: key, timer: copy });
  }

  async cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.timers.delete(keyOf(timer));
  }

  async due(upTo: number, limit: number): Promise<Timer[]> {
    this.restore();
    const found: Timer[] = [];
    while (found.length < limit) {
      const entry = this.head();
      if (!entry || entry.dueAt > upTo) break;
      this.order.pop();
      this.handedOut.push(entry);
      found.push({ ...entry.timer });
    }
    return found;
  }

  async done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.timers.delete(keyOf(timer));
  }

  private restore(): void {
    for (const entry of this.handedOut) if (this.timers.get(entry.id) === entry.timer) this.order.push(entry);
    this.handedOut = [];
  }

  /** The earliest pending timer's entry, dropping the stale entries in front of it. */
  private head(): Entry | undefined {
    for (let entry = this.order.peek(); entry; entry = this.order.peek()) {
      if (this.timers.get(entry.id) === entry.timer) return entry;
      this.order.pop();
    }
    return undefined;
  }
}
