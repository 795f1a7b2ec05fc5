import { describe, expect, it } from 'vitest';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { type TimerHandle, TimerLoop } from '../../../functions/core/runtime/timer-loop.ts';
import { fireDueTimers } from '../../../functions/core/runtime/timers.ts';
import { CONTRACT_T0 as T0, timer } from '../../contracts/timer-store.contract.ts';
import { MINUTE } from '../../support/journeys.ts';

/** A clock and setTimeout that move only when the test says so. */
class FakeClock {
  now = T0;
  private planned: { at: number; callback: () => void; cancelled: boolean }[] = [];

  setTimer = (callback: () => void, ms: number): TimerHandle => {
    const entry = { at: this.now + ms, callback, cancelled: false };
    this.planned.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  };

  get pending(): number {
    return this.planned.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward, running each callback at its time and letting the sweeps it starts finish. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const next = this.planned.filter((p) => !p.cancelled && p.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.planned = this.planned.filter((p) => p !== next);
      this.now = next.at;
      next.callback();
    }
    this.now = end;
    await settle();
  }
}

/** Lets promise callbacks run (the in-memory store and the sweep never touch real timers). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('TimerLoop', () => {
  it('sweeps at once on start, then every interval, firing timers as they fall due', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTimerStore();
    await store.schedule(timer('ana', 't', T0 - 1));
    await store.schedule(timer('ben', 't', T0 + 2500));
    const fired: { userId: string; at: number }[] = [];
    const sweeps: number[] = [];
    const loop = new TimerLoop({
      intervalMs: 1000,
      now: () => clock.now,
      setTimer: clock.setTimer,
      sweep: (now) => {
        sweeps.push(now - T0);
        return fireDueTimers({
          timers: store,
          now,
          limit: 10,
          fire: async (t) => void fired.push({ userId: t.userId, at: now - T0 }),
        });
      },
    });

    // Act
    loop.start();
    await clock.advance(3500);
    await loop.stop();

    // Assess
    expect(sweeps).toEqual([0, 1000, 2000, 3000]);
    expect(fired).toEqual([
      { userId: 'ana', at: 0 },
      { userId: 'ben', at: 3000 },
    ]);
  });

  it('sweeps again at once while a sweep says more timers are due', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTimerStore();
    for (let i = 0; i < 7; i++) await store.schedule(timer(`user-${i}`, 't', T0 - MINUTE));
    const sweeps: number[] = [];
    const loop = new TimerLoop({
      intervalMs: MINUTE,
      now: () => clock.now,
      setTimer: clock.setTimer,
      sweep: async (now) => {
        const report = await fireDueTimers({ timers: store, now, limit: 3, fire: async () => {} });
        sweeps.push(report.due);
        return report;
      },
    });

    // Act
    loop.start();
    await clock.advance(0);
    await loop.stop();

    // Assess
    expect(sweeps).toEqual([3, 3, 1]);
    expect(store.size).toBe(0);
  });

  it('goes on after a sweep throws, reporting the error', async () => {
    // Prepare
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new TimerLoop({
      intervalMs: 1000,
      now: () => clock.now,
      setTimer: clock.setTimer,
      onError: (error) => errors.push(error),
      sweep: async () => {
        calls++;
        if (calls === 1) throw new Error('dynamo down');
        return { more: false };
      },
    });

    // Act
    loop.start();
    await clock.advance(2000);
    await loop.stop();

    // Assess
    expect(errors).toEqual([new Error('dynamo down')]);
    expect(calls).toBe(3);
  });

  it('plans nothing after stop, and stop waits for the sweep under way', async () => {
    // Prepare
    const clock = new FakeClock();
    let release = () => {};
    let finished = false;
    const loop = new TimerLoop({
      intervalMs: 1000,
      now: () => clock.now,
      setTimer: clock.setTimer,
      sweep: async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        finished = true;
        return { more: false };
      },
    });
    loop.start();
    loop.start();
    await clock.advance(0);

    // Act
    const stopped = loop.stop();
    const finishedBeforeRelease = finished;
    release();
    await stopped;

    // Assess
    expect(finishedBeforeRelease).toBe(false);
    expect(finished).toBe(true);
    expect(loop.isRunning).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
