export type TimerLoopOptions = {
  /** Milliseconds between the end of one sweep and the start of the next. */
  intervalMs: number;
  /** One sweep at `now`; returning `{ more: true }` runs the next one at once (catching up after a pause). */
  sweep: (now: number) => Promise<{ more: boolean } | undefined>;
  /** Called with what a sweep threw; the loop goes on. */
  onError?: (error: unknown) => void;
  now?: () => number;
  /** Runs `callback` after `ms` (default setTimeout); the handle cancels it. */
  setTimer?: (callback: () => void, ms: number) => TimerHandle;
};

export type TimerHandle = { cancel(): void };

function realTimer(callback: () => void, ms: number): TimerHandle {
  const handle = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(handle) };
}

/**
 * Sweeps due timers on a real clock, for the local stack (on AWS a schedule invokes the sweeper every minute
 * instead). Sweeps never overlap: the next is planned when the last has ended.
 */
export class TimerLoop {
  private readonly options: TimerLoopOptions;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, ms: number) => TimerHandle;
  private handle: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private started = false;

  constructor(options: TimerLoopOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? realTimer;
  }

  get isRunning(): boolean {
    return this.started;
  }

  /** Starts sweeping: the first sweep runs at once. Starting a started loop changes nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.plan(0);
  }

  /** Stops planning sweeps and waits for the one under way, if any, to end. */
  async stop(): Promise<void> {
    this.started = false;
    this.handle?.cancel();
    this.handle = undefined;
    await this.running;
  }

  private plan(ms: number): void {
    this.handle = this.setTimer(() => {
      this.handle = undefined;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    let more = true;
    while (more && this.started) {
      try {
        more = (await this.options.sweep(this.now()))?.more ?? false;
      } catch (error: unknown) {
        this.options.onError?.(error);
        more = false;
      }
    }
    if (this.started) this.plan(this.options.intervalMs);
  }
}
