import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCallSlots } from '../../../functions/adapters/dynamodb/call-slots.ts';
import { RequestCounter } from '../../../functions/adapters/dynamodb/request-counter.ts';
import { callSlotsContract } from '../../contracts/call-slots.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

callSlotsContract(
  'DynamoDB (dynalite)',
  async () => new DynamoCallSlots({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);

describe('DynamoCallSlots requests', () => {
  it('takes a free slot with one UpdateItem and gives it back with one, reading nothing', async () => {
    // Prepare: the target's item exists (its first call made it).
    const T0 = Date.parse('2026-11-02T10:00:00Z');
    const slots = new DynamoCallSlots({ client: dynamo.documents, tableName: await dynamo.createTable() });
    await slots.acquire('https://crm.example.com', 'first', 5, T0, T0 + 70_000);
    await slots.release('https://crm.example.com', 'first');
    const counter = new RequestCounter().attach(dynamo.documents);

    // Act
    const taken = await slots.acquire('https://crm.example.com', 'call-1', 5, T0, T0 + 70_000);
    await slots.release('https://crm.example.com', 'call-1');

    // Assess
    expect(taken).toBe(true);
    expect(counter.take()).toMatchObject({ byOperation: { UpdateItem: 2 }, reads: 0, writes: 2, errors: {} });
  });
});
