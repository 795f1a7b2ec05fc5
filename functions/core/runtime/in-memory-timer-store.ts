import { dueFirst, MinHeap } from '../collections/min-heap.ts';
import type { Timer } from '../engine/state.ts';
import { ownRecord, type TextRecords } from '../ports/text-records.ts';
import type { TimerStore } from '../ports/timer-store.ts';

/** A timer's identity: ids are unique per customer, so the customer is part of it. */
const keyOf = (timer: Pick<Timer, 'id' | 'userId'>) => JSON.stringify([timer.userId, timer.id]);

/** A timer's place in the order: `scheduled` tells it from an entry of the same timer cancelled before. */
type Entry = { dueAt: number; id: string; scheduled: number };

/**
 * Pending timers in memory, for the simulator, tests and in-process runs, on a heap: a million pending waits
 * stay cheap to sweep. Timers are kept as JSON text (in a Map by default; `cairn simulate` passes a spill file,
 * so that they take no heap), so a caller changing its object never changes the stored one. A cancelled or
 * fired timer leaves its heap entry behind, skipped when met.
 */
export class InMemoryTimerStore implements TimerStore {
  /** Each pending timer's key, with the number of the `schedule` that made it. */
  private readonly pending = new Map<string, number>();
  private readonly texts: TextRecords;
  private schedules = 0;
  private readonly order = new MinHeap<Entry>(dueFirst);
  /** Handed out by `due` and not yet done: back in the order at the next `due`, as a store would keep them. */
  private handedOut: Entry[] = [];

  /** `texts`: where the timers' JSON text is kept; a Map in the heap by default. */
  constructor(options: { texts?: TextRecords } = {}) {
    this.texts = options.texts ?? new Map();
  }

  /** How many timers are pending. */
  get size(): number {
    return this.pending.size;
  }

  /** The earliest pending due time; undefined when none is pending. */
  nextDueAt(): number | undefined {
    this.restore();
    return this.head()?.dueAt;
  }

  async schedule(timer: Timer): Promise<void> {
    const key = keyOf(timer);
    if (this.pending.has(key)) return;
    const scheduled = ++this.schedules;
    this.pending.set(key, scheduled);
    this.texts.set(key, JSON.stringify(timer));
    this.order.push({ dueAt: timer.dueAt, id: key, scheduled });
  }

  async cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.forget(keyOf(timer));
  }

  async due(upTo: number, limit: number): Promise<Timer[]> {
    this.restore();
    const found: Timer[] = [];
    while (found.length < limit) {
      const entry = this.head();
      if (!entry || entry.dueAt > upTo) break;
      this.order.pop();
      this.handedOut.push(entry);
      found.push(this.read(entry.id));
    }
    return found;
  }

  async done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.forget(keyOf(timer));
  }

  private forget(key: string): void {
    if (this.pending.delete(key)) this.texts.delete(key);
  }

  /** A pending timer as schedule wrote it, a fresh copy. */
  private read(key: string): Timer {
    const timer = ownRecord<Timer>(this.texts, key);
    if (timer === undefined) throw new Error(`the pending timer ${key} is missing from its text records`);
    return timer;
  }

  private isCurrent(entry: Entry): boolean {
    return this.pending.get(entry.id) === entry.scheduled;
  }

  private restore(): void {
    for (const entry of this.handedOut) if (this.isCurrent(entry)) this.order.push(entry);
    this.handedOut = [];
  }

  /** The earliest pending timer's entry, dropping the stale entries in front of it. */
  private head(): Entry | undefined {
    for (let entry = this.order.peek(); entry; entry = this.order.peek()) {
      if (this.isCurrent(entry)) return entry;
      this.order.pop();
    }
    return undefined;
  }
}
