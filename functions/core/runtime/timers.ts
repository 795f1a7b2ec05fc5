import type { Timer } from '../engine/state.ts';
import type { TimerStore } from '../ports/timer-store.ts';

export type FireDueTimersOptions = {
  timers: TimerStore;
  now: number;
  /** Most timers handled by this call; `more` in the report says whether others are due already. */
  limit: number;
  /**
   * Applies one timer to its customer: the runtime passes readProcessWrite with `{ kind: 'timer', timer }`.
   * Throwing leaves the timer pending for the next sweep.
   */
  fire: (timer: Timer) => Promise<void>;
  /** Timers fired at once (default 8). Two timers of one customer may run together: readProcessWrite retries. */
  concurrency?: number;
};

export type SweepReport = {
  /** Timers that were due and handed to `fire`. */
  due: number;
  /** Fired and marked done. */
  fired: number;
  /** Failed in `fire` (or in `done`): still pending, fired again by a later sweep. */
  failed: number;
  /** `now - dueAt` of each timer fired, in milliseconds: how late waits end, for the lag metric. */
  lagsMs: number[];
  maxLagMs: number;
  /** The limit was reached: more timers may be due now, and the caller may sweep again at once. */
  more: boolean;
};

export const DEFAULT_FIRE_CONCURRENCY = 8;

/** Timers fired per sweep; the rest wait for the next minute (the report's `more` says so). */
export const SWEEP_LIMIT = 500;

/**
 * One sweep of due timers: each is fired through `fire` and only then marked done, so a crash in between
 * fires it again, which is harmless (the engine ignores a timer whose wait is over, and a re-delivered timer
 * input is a duplicate). A failure is counted and left for the next sweep; it never stops the others.
 */
export async function fireDueTimers(options: FireDueTimersOptions): Promise<SweepReport> {
  const { timers, now, limit, fire } = options;
  const batch = await timers.due(now, limit);
  const lagsMs: number[] = [];
  let fired = 0;
  let failed = 0;
  let next = 0;
  async function worker(): Promise<void> {
    for (let timer = batch[next++]; timer !== undefined; timer = batch[next++]) {
      try {
        await fire(timer);
        await timers.done(timer);
      } catch {
        // The timer stays pending; the caller sees the count, and the next sweep fires it again.
        failed++;
        continue;
      }
      fired++;
      lagsMs.push(now - timer.dueAt);
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_FIRE_CONCURRENCY, batch.length));
  await Promise.all(Array.from({ length: workers }, worker));
  await timers.checkpoint?.();
  return {
    due: batch.length,
    fired,
    failed,
    lagsMs,
    maxLagMs: lagsMs.reduce((max, lag) => Math.max(max, lag), 0),
    more: limit > 0 && batch.length >= limit,
  };
}
