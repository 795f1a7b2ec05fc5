/**
 * The runtime's time. Every use case asks it for "now", so the same code runs on the wall clock (Lambda,
 * `npm start -- --serve`), on a faster one (`--speed`), or on virtual time that a replay or the simulator moves
 * forward from one due thing to the next (a cart timeout of 30 minutes passes at once, not in 30 minutes).
 */
export interface Clock {
  now(): number;
}

/** Virtual time: stands still until moved. Never moves back. */
export class VirtualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  /** Moves to `time`, or stays when `time` is earlier. */
  advanceTo(time: number): void {
    this.current = Math.max(this.current, time);
  }
}
