import type { Timer } from '../core/engine/state.ts';
import type { TimerStore } from '../core/ports/timer-store.ts';

/**
 * A timer store that also remembers when its pending timers are due, so that a replay on virtual time can
 * jump straight to the next one instead of sweeping every minute in between. The timers themselves live in
 * the wrapped store (DynamoDB on dynalite), which the sweep reads exactly as on AWS.
 */
export class ObservedTimerStore implements TimerStore {
  /**
   * `pending` may be shared by the stores of successive stacks on one `--data` folder (the chaos harness's
   * restarts, functions/local/chaos.ts), so that the due times outlive the stack that scheduled the timers.
   */
  constructor(
    private readonly inner: TimerStore,
    private readonly pending = new Map<string, number>(),
  ) {}

  async schedule(timer: Timer): Promise<void> {
    await this.inner.schedule(timer);
    this.pending.set(timer.id, timer.dueAt);
  }

  async cancel(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    await this.inner.cancel(timer);
    this.pending.delete(timer.id);
  }

  due(upTo: number, limit: number): Promise<Timer[]> {
    return this.inner.due(upTo, limit);
  }

  async done(timer: Pick<Timer, 'id' | 'userId' | 'dueAt'>): Promise<void> {
    await this.inner.done(timer);
    this.pending.delete(timer.id);
  }

  async checkpoint(): Promise<void> {
    await this.inner.checkpoint?.();
  }

  /** The earliest due time of a timer scheduled and not yet fired or cancelled. */
  nextDueAt(): number | undefined {
    let soonest: number | undefined;
    for (const dueAt of this.pending.values()) soonest = Math.min(soonest ?? dueAt, dueAt);
    return soonest;
  }
}
