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

/** Timers fired per sweep; a caller with time left sweeps again (`sweepWhileDue`), else the next minute does. */
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

/** How long a caller may sweep: its time left, and how much of it to keep for the last sweep and the flush. */
export type SweepBudget = { remainingMs: () => number; reserveMs: number };

/** Several sweeps' reports as one, with how many sweeps ran. */
export type SweepsReport = SweepReport & { sweeps: number };

/**
 * Sweeps again while timers remain due and the budget lasts, so that a backlog (a million members' entries due
 * at 10:00 in one zone) is fired in one invocation rather than 500 a minute. A sweep with a failure ends it:
 * failures are throttling or an outage more often than not, and the next minute's invocation tries again.
 */
export async function sweepWhileDue(
  options: FireDueTimersOptions,
  budget: SweepBudget,
): Promise<SweepsReport> {
  const total: SweepsReport = {
    due: 0,
    fired: 0,
    failed: 0,
    lagsMs: [],
    maxLagMs: 0,
    more: false,
    sweeps: 0,
  };
  for (;;) {
    const report = await fireDueTimers(options);
    total.sweeps++;
    total.due += report.due;
    total.fired += report.fired;
    total.failed += report.failed;
    for (const lag of report.lagsMs) total.lagsMs.push(lag);
    total.maxLagMs = Math.max(total.maxLagMs, report.maxLagMs);
    total.more = report.more;
    if (!report.more || report.failed > 0 || budget.remainingMs() < budget.reserveMs) return total;
  }
}
