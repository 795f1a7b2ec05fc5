import type { Clock } from '../core/runtime/clock.ts';

/**
 * The local stack's time: every handler asks it for "now". Virtual time (core/runtime/clock.ts) for a replay;
 * the wall clock, or a faster one, for `npm start -- --serve`.
 */
export type LocalClock = Clock;

/** Wall-clock time run `speed` times faster from the moment the clock was made (1: the real clock). */
export class ScaledClock implements LocalClock {
  private readonly startedAt = Date.now();

  constructor(
    private readonly speed: number,
    private readonly from: number = Date.now(),
  ) {}

  now(): number {
    return Math.floor(this.from + (Date.now() - this.startedAt) * this.speed);
  }
}
