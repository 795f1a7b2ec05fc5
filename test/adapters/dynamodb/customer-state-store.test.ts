import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DynamoCustomerStateStore,
  STATE_ATTRIBUTES,
} from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { encodeState } from '../../../functions/adapters/dynamodb/state-codec.ts';
import { customerKeys, PARTITION_KEY, SORT_KEY } from '../../../functions/adapters/dynamodb/table.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import { customerStateStoreContract } from '../../contracts/customer-state-store.contract.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

customerStateStoreContract(
  'DynamoDB (dynalite)',
  async () =>
    new DynamoCustomerStateStore({ client: dynamo.documents, tableName: await dynamo.createTable() }),
);

/** A customer state of `userId`, or a copy of one (the store's item spreads the state into a new object). */
function isStateOf(userId: string, value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'enrollments' in value && 'userId' in value
    ? value.userId === userId
    : false;
}

describe('DynamoDB customer state store: the bytes a save writes', () => {
  it('writes the state encoded from one JSON text, made once for the size limit and the item', async () => {
    // Prepare
    const tableName = await dynamo.createTable();
    const store = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
    const state: CustomerState = {
      ...newCustomerState('ana'),
      profile: {
        ...newCustomerState('ana').profile,
        traits: { email: 'ana@example.com' },
        email: 'ana@example.com',
      },
    };
    const stringify = vi.spyOn(JSON, 'stringify');

    // Act
    const saved = await store.save(state, undefined, 400 * 1024);
    const ofTheState = stringify.mock.calls.filter(([value]) => isStateOf('ana', value)).length;
    stringify.mockRestore();
    const read = await dynamo.documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { [PARTITION_KEY]: customerKeys.partition('ana'), [SORT_KEY]: customerKeys.state },
      }),
    );

    // Assess
    expect(saved).toEqual({ ok: true, version: 1 });
    expect(ofTheState).toBe(1);
    expect(read.Item?.[STATE_ATTRIBUTES.state]).toEqual(new Uint8Array(encodeState(state)));
    expect((await store.load('ana'))?.state).toEqual(state);
  });
});
