import type { VirtualClock } from './clock.ts';

/** The timers function runs once a minute (a schedule on AWS); waits fire at the first sweep at or after them. */
export const SWEEP_INTERVAL_MS = 60_000;

/**
 * How many queue messages one invocation takes, on the local stack and in the simulator alike: ingest as an
 * SQS event source mapping hands them (10), deliver one at a time, because on AWS deliver handles a batch's
 * records in parallel and one record per batch keeps a local run repeatable (docs/runtime.md, "One machine").
 * Feedback takes what its mapping hands (10): its records change no customer state, only publish and suppress.
 * Calls one at a time, as the calls function's mapping hands them (one call per invocation).
 */
export const LOCAL_BATCH = { ingest: 10, deliver: 1, feedback: 10, calls: 1 } as const;

/**
 * A runtime on virtual time, as the driver below moves it: the simulator (use cases on in-memory ports) and
 * the local stack (the Lambda handlers on dynalite) are both one.
 */
export interface Machine {
  /** Runs ingest, then deliver, then calls, until no queue has a visible message. */
  drain(): Promise<void>;
  /** Fires the timers due now, as the per-minute schedule does, then drains. */
  sweepTimers(): Promise<void>;
  /** The earliest time something is due: a timer, or a delayed or retried queue message. */
  nextWakeAt(): number | undefined;
  /**
   * The earliest second a send reserved under a journey's send-rate limit is due, if any: the driver stops
   * there exactly (not at the minute), so that a paced send goes out in its own second, as SQS's delay makes it
   * visible on AWS.
   */
  nextPacedAt?(): number | undefined;
}

/**
 * The seconds paced sends are due at (Machine.nextPacedAt): noted as they are put on the send queue, forgotten
 * once the clock has passed them.
 */
export class PacedTimes {
  private readonly times: number[] = [];

  note(at: number): void {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.times[mid] ?? 0) < at) low = mid + 1;
      else high = mid;
    }
    if (this.times[low] !== at) this.times.splice(low, 0, at);
  }

  /** The earliest noted time after `now`, dropping the ones before it. */
  nextAfter(now: number): number | undefined {
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] ?? 0) <= now) drop++;
    if (drop > 0) this.times.splice(0, drop);
    return this.times[0];
  }
}

/** The earliest of some due times; undefined when none is due. */
export function earliest(times: readonly (number | undefined)[]): number | undefined {
  return times.reduce<number | undefined>(
    (soonest, t) => (t === undefined ? soonest : Math.min(soonest ?? t, t)),
    undefined,
  );
}

/**
 * Moves virtual time to `target`, stopping at every due thing on the way (timers at the minute the
 * per-minute schedule would fire them, delayed and retried queue messages at that minute too) and running the
 * machine there, so that 30 days pass in seconds with every wait firing at the time it would on AWS.
 */
export async function runUntil(machine: Machine, clock: VirtualClock, target: number): Promise<void> {
  await machine.drain();
  let lastSweep = Number.NEGATIVE_INFINITY;
  for (;;) {
    const next = machine.nextWakeAt();
    const paced = machine.nextPacedAt?.();
    if ((next === undefined || next > target) && (paced === undefined || paced > target)) break;
    // A timer that failed stays pending; it is tried at the next minute, not in a loop at the same instant.
    const wake =
      next === undefined
        ? Number.POSITIVE_INFINITY
        : Math.max(
            Math.ceil(next / SWEEP_INTERVAL_MS) * SWEEP_INTERVAL_MS,
            lastSweep + SWEEP_INTERVAL_MS,
            clock.now(),
          );
    if (paced !== undefined && paced <= target && paced < wake) {
      clock.advanceTo(Math.max(paced, clock.now()));
      await machine.drain();
      continue;
    }
    if (wake > target) break;
    clock.advanceTo(wake);
    lastSweep = wake;
    await machine.sweepTimers();
  }
  clock.advanceTo(target);
  await machine.drain();
}
