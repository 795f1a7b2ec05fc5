import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemSize, WRITE_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.ts';
import { PARTITION_KEY, SORT_KEY } from '../../../functions/adapters/dynamodb/table.ts';
import {
  bucketKey,
  DynamoTimerStore,
  type DynamoTimerStoreOptions,
  timerSortKey,
} from '../../../functions/adapters/dynamodb/timer-store.ts';
import type { Timer } from '../../../functions/core/engine/state.ts';
import { fireDueTimers } from '../../../functions/core/runtime/timers.ts';
import {
  CONTRACT_T0,
  lifecycleTimer,
  timer,
  timerStoreContract,
} from '../../contracts/timer-store.contract.ts';
import { sampleEvents, sampleSetup, statesAfterEachEvent } from '../../core/runtime/sample-states.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { HOUR, MINUTE } from '../../support/journeys.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const SHARDS = 4;

/** A store on a new table; `storeOn` the same name is another process (a later Lambda) on that table. */
async function newStore(options: Partial<DynamoTimerStoreOptions> = {}) {
  const tableName = await dynamo.createTable();
  return { tableName, store: storeOn(tableName, options) };
}

function storeOn(tableName: string, options: Partial<DynamoTimerStoreOptions> = {}): DynamoTimerStore {
  return new DynamoTimerStore({
    client: dynamo.documents,
    tableName,
    shards: SHARDS,
    clock: () => CONTRACT_T0,
    firstSweepFrom: CONTRACT_T0 - HOUR,
    ...options,
  });
}

timerStoreContract('DynamoDB (dynalite)', async () => (await newStore()).store);

describe('DynamoTimerStore', () => {
  it('costs one PutItem to schedule a timer', async () => {
    // Prepare
    const { store } = await newStore();
    dynamo.counter.take();

    // Act
    await store.schedule(timer('ana', 't1', CONTRACT_T0 + 30 * MINUTE));

    // Assess
    const counts = dynamo.counter.take();
    expect(counts.byOperation).toEqual({ PutItem: 1 });
    expect(counts.capacityUnits).toBe(1);
  });

  it('writes every timer of the sample events in one write unit (at most 1 KB)', async () => {
    // Prepare
    const store = storeOn('sizes');
    const states = await statesAfterEachEvent(await sampleSetup(), await sampleEvents());
    const timers: Timer[] = states.flatMap((s) => [
      ...s.enrollments.flatMap((e) =>
        e.wait
          ? [
              {
                id: e.wait.timerId,
                userId: s.userId,
                enrollmentId: e.id,
                journeyId: e.journeyId,
                stepId: e.wait.stepId,
                dueAt: e.wait.dueAt,
                kind: e.wait.kind,
              },
            ]
          : [],
      ),
      ...(s.lifecycleTimer
        ? [
            {
              id: s.lifecycleTimer.id,
              userId: s.userId,
              dueAt: s.lifecycleTimer.dueAt,
              kind: 'lifecycle' as const,
            },
          ]
        : []),
    ]);

    // Act
    const sizes = timers.map((t) => itemSize(store.item(t)));

    // Assess
    expect(timers.length).toBeGreaterThan(50);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(WRITE_UNIT_BYTES);
  });

  it('reads the lifecycle timers stored before they were a variant of their own, pending or failed', async () => {
    // Prepare: as stored then, with empty enrollment, journey and step; one pending, one a hole of a sweep
    const { store, tableName } = await newStore();
    const asStoredThen = (boundary: Timer) => ({ ...boundary, enrollmentId: '', journeyId: '', stepId: '' });
    const pending = lifecycleTimer('ana', CONTRACT_T0 + 5 * MINUTE);
    const failed = lifecycleTimer('ben', CONTRACT_T0 - 10 * MINUTE);
    await dynamo.documents.send(
      new PutCommand({ TableName: tableName, Item: { ...store.item(pending), t: asStoredThen(pending) } }),
    );
    const hole = {
      pk: bucketKey(Math.floor(failed.dueAt / HOUR), 0),
      sk: timerSortKey(failed.dueAt, failed),
      timer: asStoredThen(failed),
    };
    await dynamo.documents.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          [PARTITION_KEY]: 'TIMERS',
          [SORT_KEY]: 'PROGRESS',
          p: timerSortKey(CONTRACT_T0, { id: '', userId: '' }),
          h: JSON.stringify([hole]),
          v: 1,
        },
      }),
    );

    // Act
    const due = await store.due(CONTRACT_T0 + 10 * MINUTE, 10);

    // Assess
    expect(due).toStrictEqual([failed, pending]);
  });

  it('records a whole sweep in one write, deleting nothing', async () => {
    // Prepare
    const { store } = await newStore();
    for (let i = 0; i < 50; i++) await store.schedule(timer(`user-${i}`, 't', CONTRACT_T0 + (i + 1) * 1000));
    dynamo.counter.take();

    // Act
    const report = await fireDueTimers({
      timers: store,
      now: CONTRACT_T0 + MINUTE,
      limit: 100,
      fire: async () => {},
    });

    // Assess
    const counts = dynamo.counter.take();
    expect(report).toMatchObject({ due: 50, fired: 50, failed: 0 });
    expect(counts.writes).toBe(1);
    expect(counts.byOperation.PutItem).toBe(1);
    expect(counts.byOperation.DeleteItem).toBeUndefined();
  });

  it('catches up hours late with Query requests only, one per shard per hour bucket', async () => {
    // Prepare
    const { store, tableName } = await newStore();
    await store.schedule(timer('ana', 'first', CONTRACT_T0 + MINUTE));
    await fireDueTimers({ timers: store, now: CONTRACT_T0 + MINUTE, limit: 10, fire: async () => {} });
    const missed = Array.from({ length: 40 }, (_, i) =>
      timer(`user-${i}`, 'wait', CONTRACT_T0 + (i + 2) * 9 * MINUTE),
    );
    for (const t of missed) await store.schedule(t);
    const later = storeOn(tableName);
    dynamo.counter.take();

    // Act
    const due = await later.due(CONTRACT_T0 + 8 * HOUR, 1000);

    // Assess
    const counts = dynamo.counter.take();
    expect(due).toEqual(missed);
    // The progress item (1 GetItem), then the buckets from the last sweep's hour to now's: 9 hours.
    expect(counts.byOperation).toEqual({ GetItem: 1, Query: 9 * SHARDS });
    expect(counts.byOperation.Scan).toBeUndefined();
  });

  it('stops reading buckets once it has `limit` timers', async () => {
    // Prepare
    const { store } = await newStore();
    for (let i = 0; i < 5; i++) await store.schedule(timer(`user-${i}`, 't', CONTRACT_T0 + (i + 1) * MINUTE));
    dynamo.counter.take();

    // Act
    const due = await store.due(CONTRACT_T0 + 24 * HOUR, 3);

    // Assess
    expect(due).toHaveLength(3);
    // The first sweep starts an hour before CONTRACT_T0: that hour, then the hour of the timers.
    expect(dynamo.counter.take().byOperation.Query).toBe(2 * SHARDS);
  });

  it('lets another process go on where a sweep stopped: only failed timers come back', async () => {
    // Prepare
    const { store, tableName } = await newStore();
    const timers = Array.from({ length: 6 }, (_, i) =>
      timer(`user-${i}`, 't', CONTRACT_T0 + (i + 1) * MINUTE),
    );
    for (const t of timers) await store.schedule(t);
    const failing = new Set(['user-1', 'user-4']);
    await fireDueTimers({
      timers: store,
      now: CONTRACT_T0 + 10 * MINUTE,
      limit: 100,
      fire: async (t) => {
        if (failing.has(t.userId)) throw new Error('provider down');
      },
    });
    const next = storeOn(tableName);

    // Act
    const again = await next.due(CONTRACT_T0 + 11 * MINUTE, 100);

    // Assess
    expect(again.map((t) => t.userId)).toEqual(['user-1', 'user-4']);
  });

  it('stores a timer that is already due a margin after the writer’s clock, so a sweep cannot have passed it', async () => {
    // Prepare
    let clock = CONTRACT_T0 + 10 * MINUTE;
    const { store } = await newStore({ clock: () => clock, writeMarginMs: 15_000 });
    await fireDueTimers({ timers: store, now: clock, limit: 10, fire: async () => {} });
    // Written late: it was due two minutes before this write, before the sweep that just ran.
    const overdue = timer('ana', 'pt0s', clock - 2 * MINUTE);
    clock += 1000;

    // Act
    await store.schedule(overdue);
    const beforeMargin = await store.due(clock + 14_000, 10);
    const afterMargin = await store.due(clock + 15_000, 10);

    // Assess
    expect(beforeMargin).toEqual([]);
    expect(afterMargin).toEqual([overdue]);
  });

  it('stops moving when more timers fail than it can remember, and loses none of them', async () => {
    // Prepare
    const { store, tableName } = await newStore({ maxHoles: 2 });
    const timers = Array.from({ length: 6 }, (_, i) =>
      timer(`user-${i}`, 't', CONTRACT_T0 + (i + 1) * MINUTE),
    );
    for (const t of timers) await store.schedule(t);
    const fine = new Set(['user-0', 'user-5']);
    await fireDueTimers({
      timers: store,
      now: CONTRACT_T0 + 10 * MINUTE,
      limit: 100,
      fire: async (t) => {
        if (!fine.has(t.userId)) throw new Error('down');
      },
    });
    const next = storeOn(tableName, { maxHoles: 2 });

    // Act
    const again = await next.due(CONTRACT_T0 + 10 * MINUTE, 100);

    // Assess: two are remembered as failed; the position stopped before the third failure, so it and all
    // after it (user-5 too, which will fire again harmlessly) are read again.
    expect(again.map((t) => t.userId)).toEqual(['user-1', 'user-2', 'user-3', 'user-4', 'user-5']);
  });

  /**
   * Two sweeps on a table remembering at most three failures. The first leaves `old-0` and `old-1` as holes;
   * the second is handed them again with five new timers, of which `new-1`..`new-3` fail. Returns what a third
   * process is handed next.
   */
  async function sweepWithOldHoles(oldHolesFireAgain: boolean): Promise<string[]> {
    const { store, tableName } = await newStore({ maxHoles: 3 });
    const old = ['old-0', 'old-1'].map((user, i) => timer(user, 't', CONTRACT_T0 + (i + 1) * MINUTE));
    for (const t of old) await store.schedule(t);
    const failAll = async () => {
      throw new Error('provider down');
    };
    await fireDueTimers({ timers: store, now: CONTRACT_T0 + 3 * MINUTE, limit: 100, fire: failAll });
    const fresh = Array.from({ length: 5 }, (_, i) => timer(`new-${i}`, 't', CONTRACT_T0 + (i + 4) * MINUTE));
    for (const t of fresh) await store.schedule(t);
    const failing = new Set(['new-1', 'new-2', 'new-3', ...(oldHolesFireAgain ? [] : ['old-0', 'old-1'])]);
    await fireDueTimers({
      timers: storeOn(tableName, { maxHoles: 3 }),
      now: CONTRACT_T0 + 10 * MINUTE,
      limit: 100,
      fire: async (t) => {
        if (failing.has(t.userId)) throw new Error('provider down');
      },
    });
    const next = await storeOn(tableName, { maxHoles: 3 }).due(CONTRACT_T0 + 11 * MINUTE, 100);
    return next.map((t) => t.userId);
  }

  it('counts the old holes still failing against the hole budget, and stops where the budget runs out', async () => {
    // Act
    const next = await sweepWithOldHoles(false);

    // Assess: the two old holes leave room for one new one (new-1); the position stopped before new-2, so it
    // and everything after it are read again, new-4 too (it fired, and will fire again harmlessly).
    expect(next).toEqual(['old-0', 'old-1', 'new-1', 'new-2', 'new-3', 'new-4']);
  });

  it('gives the room of old holes that fired at last to new failures', async () => {
    // Act
    const next = await sweepWithOldHoles(true);

    // Assess: the old holes fired and left, so the three new failures fit and the position passed new-4.
    expect(next).toEqual(['new-1', 'new-2', 'new-3']);
  });

  it('loses nothing when two sweepers run at once', async () => {
    // Prepare
    const { store, tableName } = await newStore();
    const timers = Array.from({ length: 20 }, (_, i) =>
      timer(`user-${i}`, 't', CONTRACT_T0 + (i + 1) * 10_000),
    );
    for (const t of timers) await store.schedule(t);
    const other = storeOn(tableName);
    const fired: Timer[] = [];
    const failOnce = new Set(['user-3', 'user-17']);

    // Act
    await Promise.all(
      [store, other].map((s) =>
        fireDueTimers({
          timers: s,
          now: CONTRACT_T0 + 5 * MINUTE,
          limit: 100,
          fire: async (t) => {
            if (failOnce.delete(t.userId)) throw new Error('once');
            fired.push(t);
          },
        }),
      ),
    );
    const third = storeOn(tableName);
    await fireDueTimers({
      timers: third,
      now: CONTRACT_T0 + 6 * MINUTE,
      limit: 100,
      fire: async (t) => void fired.push(t),
    });

    // Assess
    expect(new Set(fired.map((t) => t.userId))).toEqual(new Set(timers.map((t) => t.userId)));
    expect(await storeOn(tableName).due(CONTRACT_T0 + 7 * MINUTE, 100)).toEqual([]);
  });
});
