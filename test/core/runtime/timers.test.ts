import { beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import type { EngineInput } from '../../../functions/core/engine/engine.ts';
import type { Timer } from '../../../functions/core/engine/state.ts';
import type { TimerStore } from '../../../functions/core/ports/timer-store.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { readProcessWrite } from '../../../functions/core/runtime/read-process-write.ts';
import { fireDueTimers, sweepWhileDue } from '../../../functions/core/runtime/timers.ts';
import { CONTRACT_T0 as T0, timer } from '../../contracts/timer-store.contract.ts';
import { customerEvent, MINUTE } from '../../support/journeys.ts';
import { type SampleSetup, sampleSetup } from './sample-states.ts';

/** Records what the sweeper asks of its store, in order. */
class RecordingTimerStore implements TimerStore {
  readonly inner = new InMemoryTimerStore();
  readonly calls: string[] = [];
  async schedule(t: Timer) {
    await this.inner.schedule(t);
  }
  async cancel(t: Timer) {
    await this.inner.cancel(t);
  }
  async due(upTo: number, limit: number) {
    this.calls.push(`due ${limit}`);
    return this.inner.due(upTo, limit);
  }
  async done(t: Pick<Timer, 'id' | 'userId' | 'dueAt'>) {
    this.calls.push(`done ${t.userId}`);
    await this.inner.done(t);
  }
  async checkpoint() {
    this.calls.push('checkpoint');
  }
}

describe('fireDueTimers', () => {
  it('fires each due timer, marks it done only after it fired, and reports how late it was', async () => {
    // Prepare
    const store = new RecordingTimerStore();
    await store.schedule(timer('ana', 't', T0 - 90_000));
    await store.schedule(timer('ben', 't', T0 - 30_000));
    await store.schedule(timer('cy', 't', T0 + MINUTE));
    const fired: string[] = [];

    // Act
    const report = await fireDueTimers({
      timers: store,
      now: T0,
      limit: 10,
      concurrency: 1,
      fire: async (t) => {
        fired.push(t.userId);
        store.calls.push(`fire ${t.userId}`);
      },
    });

    // Assess
    expect(fired).toEqual(['ana', 'ben']);
    expect(store.calls).toEqual(['due 10', 'fire ana', 'done ana', 'fire ben', 'done ben', 'checkpoint']);
    expect(report).toEqual({
      due: 2,
      fired: 2,
      failed: 0,
      lagsMs: [90_000, 30_000],
      maxLagMs: 90_000,
      more: false,
    });
    expect((await store.due(T0 + MINUTE, 10)).map((t) => t.userId)).toEqual(['cy']);
  });

  it('counts a failure, fires the others, and leaves the failed timer for the next sweep', async () => {
    // Prepare
    const store = new InMemoryTimerStore();
    for (const userId of ['ana', 'ben', 'cy']) await store.schedule(timer(userId, 't', T0 - MINUTE));
    let down = true;
    const fire = async (t: Timer) => {
      if (down && t.userId === 'ben') throw new Error('state store unavailable');
    };

    // Act
    const first = await fireDueTimers({ timers: store, now: T0, limit: 10, fire });
    down = false;
    const second = await fireDueTimers({ timers: store, now: T0 + MINUTE, limit: 10, fire });

    // Assess
    expect(first).toMatchObject({ due: 3, fired: 2, failed: 1 });
    expect(second).toMatchObject({ due: 1, fired: 1, failed: 0, lagsMs: [2 * MINUTE] });
    expect(store.size).toBe(0);
  });

  it('counts a timer whose done failed as failed, so that it fires again', async () => {
    // Prepare
    const store = new InMemoryTimerStore();
    await store.schedule(timer('ana', 't', T0));
    const failingDone: TimerStore = {
      schedule: (t) => store.schedule(t),
      cancel: (t) => store.cancel(t),
      due: (upTo, limit) => store.due(upTo, limit),
      done: async () => {
        throw new Error('throttled');
      },
    };

    // Act
    const report = await fireDueTimers({ timers: failingDone, now: T0, limit: 10, fire: async () => {} });

    // Assess
    expect(report).toMatchObject({ fired: 0, failed: 1 });
    expect(store.size).toBe(1);
  });

  it('handles at most `limit` timers, earliest first, and says when more are due', async () => {
    // Prepare
    const store = new InMemoryTimerStore();
    for (let i = 0; i < 5; i++) await store.schedule(timer(`user-${i}`, 't', T0 - i * 1000));
    const fired: string[] = [];

    // Act
    const first = await fireDueTimers({
      timers: store,
      now: T0,
      limit: 3,
      fire: async (t) => void fired.push(t.userId),
    });
    const rest = await fireDueTimers({
      timers: store,
      now: T0,
      limit: 3,
      fire: async (t) => void fired.push(t.userId),
    });

    // Assess
    expect(first.more).toBe(true);
    expect(rest).toMatchObject({ due: 2, more: false });
    expect(new Set(fired.slice(0, 3))).toEqual(new Set(['user-4', 'user-3', 'user-2']));
    expect(fired).toHaveLength(5);
  });

  it('fires no more timers at once than its concurrency', async () => {
    // Prepare
    const store = new InMemoryTimerStore();
    for (let i = 0; i < 20; i++) await store.schedule(timer(`user-${i}`, 't', T0));
    let running = 0;
    let most = 0;

    // Act
    const report = await fireDueTimers({
      timers: store,
      now: T0,
      limit: 20,
      concurrency: 4,
      fire: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
      },
    });

    // Assess
    expect(report.fired).toBe(20);
    expect(most).toBe(4);
  });
});

describe('fireDueTimers through the engine (cart abandonment)', () => {
  let setup: SampleSetup;
  beforeAll(async () => {
    setup = await sampleSetup();
  });

  /** The runtime's loop in small: each input through readProcessWrite, its timers into the timer store. */
  function runtime() {
    const states = new InMemoryCustomerStateStore();
    const timers = new InMemoryTimerStore();
    const effects: Effect[] = [];
    async function apply(userId: string, input: EngineInput, now: number): Promise<Effect[]> {
      const result = await readProcessWrite(userId, input, {
        store: states,
        context: () => ({ now, defaultTimezone: 'UTC', ...setup }),
      });
      for (const effect of result.effects)
        if (effect.type === 'timer-scheduled' || effect.type === 'timer-deferred')
          await timers.schedule(effect.timer);
      effects.push(...result.effects);
      return result.effects;
    }
    const sweep = (now: number) =>
      fireDueTimers({
        timers,
        now,
        limit: 100,
        fire: async (t) => {
          await apply(t.userId, { kind: 'timer', timer: t }, now);
        },
      });
    return { states, timers, effects, apply, sweep };
  }

  const traits = { email: 'ana@example.com', firstName: 'Ana' };

  it('sends the reminder when the wait times out with no order', async () => {
    // Prepare
    const { apply, sweep, effects } = runtime();
    const added = customerEvent('Product Added', 'ana', T0, { cartId: 'c1' }, { traits });
    await apply('ana', { kind: 'event', event: added }, T0);
    effects.length = 0;

    // Act
    const report = await sweep(T0 + 31 * MINUTE);

    // Assess
    expect(report).toMatchObject({ due: 1, fired: 1, failed: 0, lagsMs: [MINUTE] });
    expect(effects).toContainEqual(
      expect.objectContaining({
        type: 'send',
        intent: expect.objectContaining({ journeyId: 'cart-abandonment' }),
      }),
    );
  });

  it('does nothing when the order arrived first and the timer was never cancelled', async () => {
    // Prepare
    const { apply, sweep, effects, states, timers } = runtime();
    await apply(
      'ana',
      { kind: 'event', event: customerEvent('Product Added', 'ana', T0, { cartId: 'c1' }, { traits }) },
      T0,
    );
    const ordered = customerEvent('Order Completed', 'ana', T0 + 10 * MINUTE, {
      cartId: 'c1',
      orderId: 'o1',
      revenue: 42,
    });
    const onOrder = await apply('ana', { kind: 'event', event: ordered }, T0 + 10 * MINUTE);
    const enrollmentsBefore = (await states.load('ana'))?.state.enrollments;
    effects.length = 0;

    // Act
    const report = await sweep(T0 + 31 * MINUTE);

    // Assess
    expect(onOrder).toContainEqual(
      expect.objectContaining({ type: 'timer-cancelled', reason: 'enrollment-ended' }),
    );
    expect(report).toMatchObject({ due: 1, fired: 1, failed: 0 });
    expect(effects.map((e) => e.type)).toEqual(['ignored']);
    expect(effects[0]).toMatchObject({ reason: 'unknown-enrollment' });
    expect((await states.load('ana'))?.state.enrollments).toEqual(enrollmentsBefore);
    // What is left is the lifecycle boundary the order set, not due yet.
    const left = await timers.due(Number.MAX_SAFE_INTEGER, 10);
    expect(left.map((t) => t.kind)).toEqual(['lifecycle']);
  });

  it('does nothing when a timer fires a second time (a crash before done)', async () => {
    // Prepare
    const { apply, sweep, effects, timers } = runtime();
    await apply(
      'ana',
      { kind: 'event', event: customerEvent('Product Added', 'ana', T0, { cartId: 'c1' }, { traits }) },
      T0,
    );
    const [pending] = await timers.due(T0 + 31 * MINUTE, 1);
    if (!pending) throw new Error('expected the wait timer');
    await sweep(T0 + 31 * MINUTE);
    await timers.schedule(pending);
    effects.length = 0;

    // Act
    const report = await sweep(T0 + 32 * MINUTE);

    // Assess
    expect(report).toMatchObject({ fired: 1, failed: 0 });
    expect(effects).toEqual([expect.objectContaining({ type: 'ignored', reason: 'duplicate-input' })]);
  });
});

describe('sweepWhileDue', () => {
  /** 1,200 timers due, and a sweeper of 500 a sweep whose time left is counted down by `spent` a sweep. */
  async function backlog(spentPerSweepMs: number, failing: Set<string> = new Set()) {
    const store = new InMemoryTimerStore();
    for (let i = 0; i < 1_200; i++) await store.schedule(timer(`u${i}`, 'entry', T0 - i));
    let remaining = 60_000;
    const fired = new Set<string>();
    const report = await sweepWhileDue(
      {
        timers: store,
        now: T0,
        limit: 500,
        fire: async (t) => {
          if (failing.has(t.userId)) throw new Error('throttled');
          fired.add(t.userId);
        },
      },
      {
        remainingMs: () => {
          remaining -= spentPerSweepMs;
          return remaining;
        },
        reserveMs: 20_000,
      },
    );
    return { report, fired, pending: store.size };
  }

  it('sweeps again while timers are due and time is left, firing a backlog of 1,200 in one call', async () => {
    // Act
    const { report, fired, pending } = await backlog(1_000);

    // Assess
    expect(report).toMatchObject({ sweeps: 3, due: 1_200, fired: 1_200, failed: 0, more: false });
    expect(fired.size).toBe(1_200);
    expect(pending).toBe(0);
  });

  it('stops when the time left falls under the reserve, leaving the rest for the next minute', async () => {
    // Act: each sweep takes 25 s of the 60 s: after the first, 35 s are left (a second sweep), then 10 s.
    const { report, pending } = await backlog(25_000);

    // Assess
    expect(report).toMatchObject({ sweeps: 2, fired: 1_000, more: true });
    expect(pending).toBe(200);
  });

  it('stops after a sweep with a failure, which the next minute tries again', async () => {
    // Act
    const { report, pending } = await backlog(1_000, new Set(['u1199']));

    // Assess
    expect(report).toMatchObject({ sweeps: 1, fired: 499, failed: 1, more: true });
    expect(pending).toBe(701);
  });
});
