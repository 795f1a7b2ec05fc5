import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoCustomerStateStore,
  STATE_ATTRIBUTES,
  stateItem,
} from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { customerKeys, PARTITION_KEY, SORT_KEY } from '../../../functions/adapters/dynamodb/table.ts';
import { type CustomerState, stateFromTrustedText } from '../../../functions/core/engine/state.ts';
import { generatedEvents, sampleSetup, statesAfterEachEvent } from '../../core/runtime/sample-states.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { storedInFormat } from './older-formats.ts';

let dynamo: LocalDynamo;
let busiest: CustomerState;
beforeAll(async () => {
  dynamo = await startDynalite();
  const states = await statesAfterEachEvent(await sampleSetup(), generatedEvents(10, 30));
  const size = (s: CustomerState) => JSON.stringify(s).length;
  busiest = states.reduce((a, b) => (size(b) > size(a) ? b : a));
});
afterAll(async () => {
  await dynamo.stop();
});

/** The state item as the store wrote it in an older format: the same item, its state in that format. */
function olderItem(format: 1 | 2, state: CustomerState, version: number) {
  const bytes = storedInFormat(format, JSON.stringify(state));
  return { item: { ...stateItem(state, version), [STATE_ATTRIBUTES.state]: bytes }, bytes };
}

async function storedBytes(tableName: string, userId: string): Promise<Uint8Array> {
  const { Item } = await dynamo.documents.send(
    new GetCommand({
      TableName: tableName,
      Key: { [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: customerKeys.state },
    }),
  );
  const bytes: unknown = Item?.[STATE_ATTRIBUTES.state];
  if (!(bytes instanceof Uint8Array)) throw new Error('no stored state');
  return bytes;
}

describe('the stored format of a customer state', () => {
  it.each([1, 2] as const)(
    'loads a state item written in format %i, and its next save writes format 3, in fewer bytes',
    async (format) => {
      // Prepare
      const tableName = await dynamo.createTable();
      const store = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
      const before = olderItem(format, busiest, 3);
      await dynamo.documents.send(new PutCommand({ TableName: tableName, Item: before.item }));

      // Act
      const loaded = await store.load(busiest.userId);
      const saved = loaded && (await store.save(loaded.state, loaded.version));
      const after = await storedBytes(tableName, busiest.userId);
      const reloaded = await store.load(busiest.userId);

      // Assess
      expect(loaded).toEqual({ state: stateFromTrustedText(JSON.stringify(busiest)), version: 3 });
      expect(saved).toEqual({ ok: true, version: 4 });
      expect(after[0]).toBe(3);
      expect(after.byteLength).toBeLessThan(before.bytes.byteLength);
      expect(reloaded?.state).toEqual(loaded?.state);
    },
  );
});
