import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoCustomerStateStore,
  stateItem,
} from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, WRITE_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.ts';
import { FLUSH_AT_PRINTS, SEEN_SORT_KEY } from '../../../functions/adapters/dynamodb/seen-item.ts';
import { customerKeys, PARTITION_KEY, SORT_KEY } from '../../../functions/adapters/dynamodb/table.ts';
import { fingerprint } from '../../../functions/core/engine/bucket.ts';
import type { EngineInput } from '../../../functions/core/engine/engine.ts';
import { alreadySeen, PRINT_CHARS, rememberInput } from '../../../functions/core/engine/seen.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import { readProcessWrite } from '../../../functions/core/runtime/read-process-write.ts';
import { type SampleSetup, sampleSetup } from '../../core/runtime/sample-states.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { customerEvent, MINUTE } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const HOUR = 60 * MINUTE;

let dynamo: LocalDynamo;
let setup: SampleSetup;
beforeAll(async () => {
  [dynamo, setup] = await Promise.all([startDynalite(), sampleSetup()]);
});
afterAll(async () => {
  await dynamo.stop();
});

async function freshTable(): Promise<{ tableName: string; store: DynamoCustomerStateStore }> {
  const tableName = await dynamo.createTable();
  return { tableName, store: new DynamoCustomerStateStore({ client: dynamo.documents, tableName }) };
}

function apply(store: DynamoCustomerStateStore, input: EngineInput, now: number) {
  return readProcessWrite('ana', input, {
    store,
    context: () => ({ now, defaultTimezone: 'UTC', ...setup }),
  });
}

const viewed = (i: number) =>
  customerEvent('Product Viewed', 'ana', T0 + i * HOUR, { productId: `p${i}` }, { id: `view-${i}` });

async function rawItem(tableName: string, sortKey: string): Promise<Record<string, unknown> | undefined> {
  const output = await dynamo.documents.send(
    new GetCommand({
      TableName: tableName,
      Key: { [PARTITION_KEY]: customerKeys.partition('ana'), [SORT_KEY]: sortKey },
    }),
  );
  return output.Item;
}

const printsIn = (state: CustomerState | undefined) =>
  (state?.seen?.prints ?? []).reduce((sum, text) => sum + text.length / PRINT_CHARS, 0);

describe('the remembered inputs in the seen item beside the state item', () => {
  it('keeps the state item within one write unit while remembering every input, and drops a redelivery', async () => {
    // Prepare
    const { tableName, store } = await freshTable();
    const inputs = 3 * FLUSH_AT_PRINTS;

    // Act
    for (let i = 0; i < inputs; i++) await apply(store, { kind: 'event', event: viewed(i) }, T0 + i * HOUR);
    dynamo.counter.take();
    const again = await apply(store, { kind: 'event', event: viewed(0) }, T0 + inputs * HOUR);
    const requests = dynamo.counter.take();

    // Assess
    expect(again.written).toBe(false);
    expect(requests).toMatchObject({ byOperation: { Query: 1 }, reads: 1, writes: 0 });
    expect(printsIn((await store.load('ana'))?.state)).toBe(inputs);
    const state = await rawItem(tableName, customerKeys.state);
    expect(state && itemSize(state)).toBeLessThanOrEqual(WRITE_UNIT_BYTES);
    expect(await rawItem(tableName, SEEN_SORT_KEY)).toBeDefined();
  });

  it('reads an item written before the split, with every fingerprint in it, and moves them on its next save', async () => {
    // Prepare: a state that applied FLUSH_AT_PRINTS inputs, stored whole as before the seen item existed.
    const { tableName, store } = await freshTable();
    let old = newCustomerState('ana');
    for (let i = 0; i < FLUSH_AT_PRINTS; i++)
      old = { ...old, seen: rememberInput(old, fingerprint(`old-${i}`), T0, T0) };
    await dynamo.documents.send(new PutCommand({ TableName: tableName, Item: stateItem(old, 7) }));

    // Act
    const loaded = await store.load('ana');
    await apply(store, { kind: 'event', event: viewed(1) }, T0 + HOUR);

    // Assess
    expect(loaded).toEqual({ state: old, version: 7 });
    const after = await store.load('ana');
    expect(after?.version).toBe(8);
    expect(printsIn(after?.state)).toBe(FLUSH_AT_PRINTS + 1);
    expect(after && alreadySeen(after.state, fingerprint('old-0'))).toBe(true);
    const state = await rawItem(tableName, customerKeys.state);
    expect(state?.sf).toBeTypeOf('number');
    expect(await rawItem(tableName, SEEN_SORT_KEY)).toBeDefined();
  });

  it('never flushes the input being applied: when the state write loses a race, the input is still new', async () => {
    // Prepare: ana's older inputs in the seen item, a few beyond it in the state item, counting it. A and B,
    // two function instances, load the same version.
    const { store: setupStore, tableName } = await freshTable();
    const remember = (state: CustomerState, keys: readonly string[]) => {
      let next = state;
      for (const key of keys) next = { ...next, seen: rememberInput(next, fingerprint(key), T0, T0) };
      return next;
    };
    const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    const created = await setupStore.save(
      remember(newCustomerState('ana'), keys('old', FLUSH_AT_PRINTS)),
      undefined,
    );
    if (!created.ok) throw new Error('first save');
    const reloaded = await setupStore.load('ana');
    if (!reloaded) throw new Error('ana was saved');
    const flushed = await setupStore.save(remember(reloaded.state, ['recent']), reloaded.version);
    if (!flushed.ok) throw new Error('second save');
    const a = store(tableName);
    const b = store(tableName);
    const [byA, byB] = await Promise.all([a.load('ana'), b.load('ana')]);
    if (!byA || !byB) throw new Error('ana was saved');

    // Act: B saves one input; A, with many new inputs (so that it flushes), saves over the same version.
    const savedByB = await b.save(remember(byB.state, ['input-b']), byB.version);
    const savedByA = await a.save(remember(byA.state, keys('input-a', FLUSH_AT_PRINTS)), byA.version);

    // Assess: A flushed what it had read as applied, then lost the state's conditional write.
    expect(savedByB.ok).toBe(true);
    expect(savedByA).toEqual({ ok: false, reason: 'conflict' });
    expect((await rawItem(tableName, SEEN_SORT_KEY))?.v).toBe(2);
    const stored = await store(tableName).load('ana');
    if (!stored) throw new Error('ana is stored');
    for (const key of ['old-0', 'recent', 'input-b'])
      expect(alreadySeen(stored.state, fingerprint(key))).toBe(true);
    for (const key of keys('input-a', FLUSH_AT_PRINTS))
      expect(alreadySeen(stored.state, fingerprint(key))).toBe(false);
    expect(printsIn(stored.state)).toBe(FLUSH_AT_PRINTS + 2);
  });
});

function store(tableName: string): DynamoCustomerStateStore {
  return new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
}
