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
  /**
   * Optional: ends a sweep (`due`, then `done` for each timer that fired). A store may keep the bookkeeping of
   * `done` in memory and persist it here in one write, instead of one write per timer: the DynamoDB store does,
   * because a delete per timer alone would cost as much as scheduling it (docs/data-model.md, "Timers"). Timers
   * returned by `due` and not marked done stay pending. Without the call, the next `due` of the same store
   * persists it; a sweep that never gets there fires its timers again, which is harmless.
   */
  checkpoint?(): Promise<void>;
}
