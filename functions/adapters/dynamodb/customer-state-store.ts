import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { CustomerState } from '../../core/engine/state.ts';
import type {
  CustomerStateStore,
  SaveResult,
  StoredCustomerState,
} from '../../core/ports/customer-state-store.ts';
import { decodeState, encodeState } from './state-codec.ts';
import { customerKeys, PARTITION_KEY, SORT_KEY } from './table.ts';

/** Short attribute names: DynamoDB bills every name in every item, on every read and write. */
export const STATE_ATTRIBUTES = { version: 'v', state: 's' } as const;

/** The state item as lib-dynamodb returns it: binary attributes come back as Uint8Array. */
const StateItem = z.object({
  [STATE_ATTRIBUTES.version]: z.number().int().positive(),
  [STATE_ATTRIBUTES.state]: z.instanceof(Uint8Array),
});

export type DynamoCustomerStateStoreOptions = { client: DynamoDBDocumentClient; tableName: string };

/** The item that holds a customer's state at a version, as written. Exported for size measurements. */
export function stateItem(
  state: CustomerState,
  version: number,
): Record<string, string | number | Uint8Array> {
  return {
    [PARTITION_KEY]: customerKeys.partition(state.userId),
    [SORT_KEY]: customerKeys.state,
    [STATE_ATTRIBUTES.version]: version,
    [STATE_ATTRIBUTES.state]: encodeState(state),
  };
}

/**
 * Customer states in DynamoDB: one item per customer (pk `USER#<userId>`, sk `STATE`) holding the compressed
 * state and a numeric version. A load is one strongly consistent GetItem (a stale read would only cost a failed
 * write and a retry, which costs more than the consistent read); a save is one PutItem conditional on the
 * version that was read.
 */
export class DynamoCustomerStateStore implements CustomerStateStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoCustomerStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: customerKeys.state },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    if (!output.Item) return undefined;
    const item = StateItem.parse(output.Item);
    return { state: decodeState(item[STATE_ATTRIBUTES.state]), version: item[STATE_ATTRIBUTES.version] };
  }

  async save(state: CustomerState, expectedVersion: number | undefined): Promise<SaveResult> {
    const version = (expectedVersion ?? 0) + 1;
    const condition =
      expectedVersion === undefined
        ? { ConditionExpression: `attribute_not_exists(${PARTITION_KEY})` }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': STATE_ATTRIBUTES.version },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: stateItem(state, version),
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { ok: true, version };
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return { ok: false, reason: 'conflict' };
      throw error;
    }
  }
}
