import type { Timer } from '../engine/state.ts';

/**
 * Durable waits: journey waits and lifecycle boundaries that must fire on time even when the customer sends no
 * event. The engine itself ignores a timer whose wait was already resolved, so firing a stale or cancelled timer
 * is harmless; cancelling is an optimisation, never a correctness requirement.
 */
export interface TimerStore {
  /** Records a timer to fire at `timer.dueAt`. Idempotent per timer id: scheduling it again changes nothing. */
  schedule(timer: Timer): Promise<void>;
  /** Forgets a pending timer; a timer that is unknown or already gone is fine. */
  cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void>;
  /** Pending timers due at or before `upTo`, earliest first, at most `limit` of them. */
  due(upTo: number, limit: number): Promise<Timer[]>;
  /** Marks a fired timer done so that `due` no longer returns it. */
  done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void>;
}
