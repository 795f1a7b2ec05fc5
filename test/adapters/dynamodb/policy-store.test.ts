import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../../functions/adapters/dynamodb/policy-store.ts';
import { policyStoreContract } from '../../contracts/policy-store.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

policyStoreContract(
  'DynamoDB (dynalite)',
  async () => new DynamoPolicyStore({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);

describe('DynamoPolicyStore: the caps read ahead with the suppressions', () => {
  const weekly = { ruleId: 'weekly', max: 2, windowMs: 7 * 24 * 3_600_000 };
  const t0 = Date.parse('2026-11-02T11:00:00Z');

  it('saves the caps read: one BatchGetItem, then only the conditional write', async () => {
    // Prepare
    const store = new DynamoPolicyStore({ client: dynamo.documents, tableName: await dynamo.createTable() });
    await store.tryCount('ana', 'm1', t0, [weekly]);
    dynamo.counter.take();

    // Act
    await store.suppressed(['ana@example.com'], 'ana');
    const counted = await store.tryCount('ana', 'm2', t0 + 1, [weekly]);

    // Assess
    expect(counted).toEqual({ ok: true });
    expect(dynamo.counter.take()).toMatchObject({ byOperation: { BatchGetItem: 1, PutItem: 1 }, errors: {} });
  });

  it('counts right from a stale read ahead: another instance filled the cap meanwhile', async () => {
    // Prepare: two Lambda instances on one table; the first reads ahead, then the second counts twice.
    const tableName = await dynamo.createTable();
    const first = new DynamoPolicyStore({ client: dynamo.documents, tableName });
    const second = new DynamoPolicyStore({ client: dynamo.documents, tableName });
    await first.suppressed(['ana@example.com'], 'ana');
    await second.tryCount('ana', 'm1', t0, [weekly]);
    await second.tryCount('ana', 'm2', t0 + 1, [weekly]);
    dynamo.counter.take();

    // Act
    const third = await first.tryCount('ana', 'm3', t0 + 2, [weekly]);

    // Assess: the write from the stale item failed its condition; the fresh read blocked.
    expect(third).toEqual({ ok: false, blocking: [{ ruleId: 'weekly', freesAt: t0 + weekly.windowMs }] });
    expect(dynamo.counter.take()).toMatchObject({
      byOperation: { PutItem: 1, GetItem: 1 },
      errors: { ConditionalCheckFailedException: 1 },
    });
  });

  it('does not use one customer’s read ahead for another', async () => {
    // Prepare
    const store = new DynamoPolicyStore({ client: dynamo.documents, tableName: await dynamo.createTable() });
    await store.suppressed([], 'ana');
    dynamo.counter.take();

    // Act
    await store.tryCount('ben', 'm1', t0, [weekly]);

    // Assess
    expect(dynamo.counter.take()).toMatchObject({ byOperation: { GetItem: 1, PutItem: 1 } });
  });
});
