import { describe, expect, it } from 'vitest';
import type { DateTimer, LifecycleTimer, Timer, WaitTimer } from '../../functions/core/engine/state.ts';
import type { TimerStore } from '../../functions/core/ports/timer-store.ts';
import { HOUR, MINUTE } from '../support/journeys.ts';

/** The writer's clock in every test: all timers fall due after it. */
export const CONTRACT_T0 = Date.parse('2026-11-02T10:00:00Z');

export function timer(
  userId: string,
  id: string,
  dueAt: number,
  overrides: Partial<WaitTimer> = {},
): WaitTimer {
  return {
    id,
    userId,
    enrollmentId: `${userId}-enr`,
    journeyId: 'cart-abandonment',
    stepId: 'wait-for-order',
    dueAt,
    kind: 'event',
    ...overrides,
  };
}

export function lifecycleTimer(userId: string, dueAt: number): LifecycleTimer {
  return { id: `lifecycle:${userId}:${dueAt}`, userId, dueAt, kind: 'lifecycle' };
}

export function dateTimer(userId: string, journeyId: string, occurrence: string, dueAt: number): DateTimer {
  return {
    id: `date:${journeyId}:${userId}:${occurrence}:${dueAt}`,
    userId,
    journeyId,
    dueAt,
    occurrence,
    kind: 'date',
  };
}

const ids = (timers: readonly Timer[]) => timers.map((t) => `${t.userId}/${t.id}`);

/** Everything due by `upTo`, page by page, each page marked done before the next is asked for. */
async function drain(store: TimerStore, upTo: number, limit: number): Promise<Timer[][]> {
  const pages: Timer[][] = [];
  for (let page = await store.due(upTo, limit); page.length > 0; page = await store.due(upTo, limit)) {
    pages.push(page);
    for (const t of page) await store.done(t);
    await store.checkpoint?.();
  }
  return pages;
}

/**
 * The behaviour every TimerStore must have. The in-memory store runs it in
 * test/core/runtime/in-memory-timer-store.test.ts, the DynamoDB store on dynalite in
 * test/adapters/dynamodb/timer-store.test.ts. Each call of `makeStore` gives an empty store whose writers'
 * clock reads CONTRACT_T0.
 */
export function timerStoreContract(name: string, makeStore: () => TimerStore | Promise<TimerStore>): void {
  describe(`TimerStore contract: ${name}`, () => {
    it('has nothing due when nothing was scheduled', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const due = await store.due(CONTRACT_T0 + 24 * HOUR, 10);

      // Assess
      expect(due).toEqual([]);
    });

    it('gives back a scheduled timer once it is due, exactly as scheduled', async () => {
      // Prepare
      const store = await makeStore();
      const ana = timer('ana', 'enr-1:wait:1', CONTRACT_T0 + 30 * MINUTE, {
        kind: 'until',
        stepId: 'morning',
      });
      await store.schedule(ana);

      // Act
      const before = await store.due(CONTRACT_T0 + 30 * MINUTE - 1, 10);
      const atDueTime = await store.due(CONTRACT_T0 + 30 * MINUTE, 10);

      // Assess
      expect(before).toEqual([]);
      expect(atDueTime).toEqual([ana]);
    });

    it('gives back a lifecycle timer as scheduled, with no enrollment fields', async () => {
      // Prepare
      const store = await makeStore();
      const boundary = lifecycleTimer('ana', CONTRACT_T0 + 30 * MINUTE);
      await store.schedule(boundary);

      // Act
      const due = await store.due(CONTRACT_T0 + 30 * MINUTE, 10);

      // Assess
      expect(due).toStrictEqual([boundary]);
    });

    it('gives back a date timer as scheduled, with its occurrence and no enrollment fields', async () => {
      // Prepare
      const store = await makeStore();
      const dueAt = CONTRACT_T0 + 45 * MINUTE;
      const birthday = dateTimer('ana', 'birthday', '2026-11-02', dueAt);
      await store.schedule(birthday);

      // Act
      const due = await store.due(dueAt, 10);

      // Assess
      expect(due).toStrictEqual([birthday]);
    });

    it('keeps one timer when the same timer is scheduled twice', async () => {
      // Prepare
      const store = await makeStore();
      const ana = timer('ana', 't1', CONTRACT_T0 + 5 * MINUTE);

      // Act
      await store.schedule(ana);
      await store.schedule({ ...ana });

      // Assess
      expect(await store.due(CONTRACT_T0 + HOUR, 10)).toEqual([ana]);
    });

    it('returns only due timers, earliest first, at most `limit`', async () => {
      // Prepare
      const store = await makeStore();
      const offsets = [7, 2, 45, 3, 61, 1];
      for (const [i, minutes] of offsets.entries())
        await store.schedule(timer(`user-${i}`, `t${i}`, CONTRACT_T0 + minutes * MINUTE));

      // Act
      const firstTwo = await store.due(CONTRACT_T0 + 10 * MINUTE, 2);
      const allDue = await store.due(CONTRACT_T0 + 10 * MINUTE, 10);

      // Assess
      expect(ids(firstTwo)).toEqual(['user-5/t5', 'user-1/t1']);
      expect(ids(allDue)).toEqual(['user-5/t5', 'user-1/t1', 'user-3/t3', 'user-0/t0']);
    });

    it('orders timers due at the same moment the same way every time', async () => {
      // Prepare
      const store = await makeStore();
      const at = CONTRACT_T0 + 4 * MINUTE;
      for (const userId of ['cy', 'ana', 'ben']) await store.schedule(timer(userId, 'same', at));

      // Act
      const first = await store.due(at, 10);
      const second = await store.due(at, 10);

      // Assess
      expect(first).toHaveLength(3);
      expect(ids(second)).toEqual(ids(first));
    });

    it('no longer returns a timer once it is done, and still returns the others', async () => {
      // Prepare
      const store = await makeStore();
      const ana = timer('ana', 't1', CONTRACT_T0 + MINUTE);
      const ben = timer('ben', 't1', CONTRACT_T0 + 2 * MINUTE);
      await store.schedule(ana);
      await store.schedule(ben);
      const [first] = await store.due(CONTRACT_T0 + 5 * MINUTE, 10);
      if (!first) throw new Error('expected a due timer');

      // Act
      await store.done(first);
      await store.checkpoint?.();

      // Assess
      expect(first).toEqual(ana);
      expect(await store.due(CONTRACT_T0 + 5 * MINUTE, 10)).toEqual([ben]);
    });

    it('returns a timer again, ahead of later ones, when the sweep that had it did not mark it done', async () => {
      // Prepare
      const store = await makeStore();
      const early = timer('ana', 'early', CONTRACT_T0 + MINUTE);
      const late = timer('ben', 'late', CONTRACT_T0 + 20 * MINUTE);
      await store.schedule(early);
      await store.schedule(late);
      await store.due(CONTRACT_T0 + 5 * MINUTE, 10);
      await store.checkpoint?.();

      // Act
      const next = await store.due(CONTRACT_T0 + 30 * MINUTE, 10);

      // Assess
      expect(next).toEqual([early, late]);
    });

    it('forgets a cancelled timer, and accepts cancelling one it does not know', async () => {
      // Prepare
      const store = await makeStore();
      const ana = timer('ana', 't1', CONTRACT_T0 + 10 * MINUTE);
      const ben = timer('ben', 't1', CONTRACT_T0 + 10 * MINUTE);
      await store.schedule(ana);
      await store.schedule(ben);

      // Act
      await store.cancel(ana);
      await store.cancel(timer('cy', 'never', CONTRACT_T0 + 3 * MINUTE));

      // Assess
      expect(await store.due(CONTRACT_T0 + HOUR, 10)).toEqual([ben]);
    });

    it('keeps timers with the same id of different customers apart', async () => {
      // Prepare
      const store = await makeStore();
      const ana = timer('ana', 'shared-id', CONTRACT_T0 + MINUTE);
      const ben = timer('ben', 'shared-id', CONTRACT_T0 + MINUTE);
      await store.schedule(ana);
      await store.schedule(ben);

      // Act
      await store.cancel(ana);

      // Assess
      expect(await store.due(CONTRACT_T0 + HOUR, 10)).toEqual([ben]);
    });

    it('keeps ids with separators and any text exactly', async () => {
      // Prepare
      const store = await makeStore();
      const odd = timer('a#b c', 'x#y:z/é🙂', CONTRACT_T0 + MINUTE);
      const near = timer('a', 'b#c c:x#y:z/é🙂', CONTRACT_T0 + MINUTE);
      await store.schedule(odd);
      await store.schedule(near);

      // Act
      await store.cancel(near);

      // Assess
      expect(await store.due(CONTRACT_T0 + HOUR, 10)).toEqual([odd]);
    });

    it('hands out every one of many timers over many minutes exactly once, in order, page by page', async () => {
      // Prepare
      const store = await makeStore();
      const scheduled = Array.from({ length: 150 }, (_, i) =>
        // 150 timers over about 5 hours, several per minute, many customers, out of order.
        timer(`user-${i % 23}`, `t${i}`, CONTRACT_T0 + MINUTE + ((i * 7919) % 300) * MINUTE + (i % 5) * 1000),
      );
      for (const t of scheduled) await store.schedule(t);

      // Act
      const pages = await drain(store, CONTRACT_T0 + 6 * HOUR, 37);

      // Assess
      const handed = pages.flat();
      expect(pages.map((p) => p.length)).toEqual([37, 37, 37, 37, 2]);
      expect(new Set(ids(handed))).toEqual(new Set(ids(scheduled)));
      expect(handed).toHaveLength(scheduled.length);
      const dues = handed.map((t) => t.dueAt);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      expect(await store.due(CONTRACT_T0 + 6 * HOUR, 10)).toEqual([]);
    });

    it('catches up after a long pause: one late sweep finds every timer of the hours it missed', async () => {
      // Prepare
      const store = await makeStore();
      await store.schedule(timer('ana', 'first', CONTRACT_T0 + MINUTE));
      await drain(store, CONTRACT_T0 + MINUTE, 10);
      const missed = [2, 59, 61, 179, 181, 359].map((m) => timer(`u${m}`, 'wait', CONTRACT_T0 + m * MINUTE));
      for (const t of missed) await store.schedule(t);

      // Act
      const late = await store.due(CONTRACT_T0 + 6 * HOUR, 100);

      // Assess
      expect(late).toEqual(missed);
    });
  });
}
