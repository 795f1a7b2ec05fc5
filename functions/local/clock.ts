/**
 * The local stack's time. Every handler asks it for "now", so the same code runs on the wall clock
 * (`npm start -- --serve`), on a faster one (`--speed`), or on virtual time that a replay moves forward from
 * one due thing to the next (a cart timeout of 30 minutes passes at once, not in 30 minutes).
 */
export interface LocalClock {
  now(): number;
}

/** Virtual time: stands still until moved. Never moves back. */
export class VirtualClock implements LocalClock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  /** Moves to `time`, or stays when `time` is earlier. */
  advanceTo(time: number): void {
    this.current = Math.max(this.current, time);
  }
}

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
