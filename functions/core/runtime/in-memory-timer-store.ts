import { Timer } from '../engine/state.ts';
import type { TimerStore } from '../ports/timer-store.ts';

/** A timer's identity: ids are unique per customer, so the customer is part of it. */
const keyOf = (timer: Pick<Timer, 'id' | 'userId'>) => JSON.stringify([timer.userId, timer.id]);

/** Earliest first; the customer and the id break ties, so that the order never depends on insertion. */
export function compareTimers(a: Timer, b: Timer): number {
  if (a.dueAt !== b.dueAt) return a.dueAt - b.dueAt;
  return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
}

/**
 * Pending timers in memory, for tests and in-process runs. Timers are copied in and out (parsed with the zod
 * schema), so that a caller changing its object never changes the stored one.
 */
export class InMemoryTimerStore implements TimerStore {
  private readonly timers = new Map<string, Timer>();

  /** How many timers are pending. */
  get size(): number {
    return this.timers.size;
  }

  async schedule(timer: Timer): Promise<void> {
    const key = keyOf(timer);
    if (!this.timers.has(key)) this.timers.set(key, Timer.parse(timer));
  }

  async cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.timers.delete(keyOf(timer));
  }

  async due(upTo: number, limit: number): Promise<Timer[]> {
    return [...this.timers.values()]
      .filter((t) => t.dueAt <= upTo)
      .sort(compareTimers)
      .slice(0, Math.max(0, limit))
      .map((t) => Timer.parse(t));
  }

  async done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    this.timers.delete(keyOf(timer));
  }
}
