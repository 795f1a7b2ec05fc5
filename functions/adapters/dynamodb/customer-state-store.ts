import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CustomerState } from '../../core/engine/state.ts';
import type { SuppressionReason } from '../../core/policies/config.ts';
import type { AddressHolders } from '../../core/ports/address-holders.ts';
import type {
  CustomerStateStore,
  SaveResult,
  StoredCustomerState,
} from '../../core/ports/customer-state-store.ts';
import type { StateWithSuppressions } from '../../core/ports/state-with-suppressions.ts';
import { DEFAULT_MAX_ATTEMPTS, jitteredBackoff } from '../../core/runtime/read-process-write.ts';
import { BATCH_GET_LIMIT, batchGet } from './batch-get.ts';
import { decodeState, encodeState } from './state-codec.ts';
import { parseSuppression, suppressionKey } from './suppression-item.ts';
import { ADDRESS_INDEXES, customerKeys, PARTITION_KEY, SORT_KEY } from './table.ts';

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
  const { email, phone } = state.profile;
  return {
    [PARTITION_KEY]: customerKeys.partition(state.userId),
    [SORT_KEY]: customerKeys.state,
    [STATE_ATTRIBUTES.version]: version,
    [STATE_ATTRIBUTES.state]: encodeState(state),
    // Outside the compressed state, for the address indexes (table.ts).
    ...(email === undefined ? {} : { [ADDRESS_INDEXES.email.attribute]: email }),
    ...(phone === undefined ? {} : { [ADDRESS_INDEXES.phone.attribute]: phone }),
  };
}

function stateKey(userId: string) {
  return { [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: customerKeys.state };
}

/** A customer state item as read (GetItem, BatchGetItem, a Scan): parsed, then its state decoded. */
export function storedState(raw: Record<string, unknown>): StoredCustomerState {
  const item = StateItem.parse(raw);
  return { state: decodeState(item[STATE_ATTRIBUTES.state]), version: item[STATE_ATTRIBUTES.version] };
}

const HolderKeys = z.object({ [PARTITION_KEY]: z.string().startsWith(customerKeys.partition('')) });
const Page = z.object({
  Items: z.array(z.record(z.string(), z.unknown())).optional(),
  LastEvaluatedKey: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Customer states in DynamoDB: one item per customer (pk `USER#<userId>`, sk `STATE`) holding the compressed
 * state and a numeric version. A load is one strongly consistent GetItem (a stale read would only cost a failed
 * write and a retry, which costs more than the consistent read); a save is one PutItem conditional on the
 * version that was read. The profile's addresses are also plain attributes of the item, indexed, so that the
 * customers holding an address can be found (`holdersOf`).
 */
export class DynamoCustomerStateStore implements CustomerStateStore, AddressHolders, StateWithSuppressions {
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
        Key: stateKey(userId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return output.Item ? storedState(output.Item) : undefined;
  }

  /** The state and the addresses' suppression items in one BatchGetItem (strongly consistent). */
  async loadWithSuppressions(
    userId: string,
    addresses: readonly string[],
  ): Promise<{ stored: StoredCustomerState | undefined; suppressed: [string, SuppressionReason][] }> {
    const unique = [...new Set(addresses)].slice(0, BATCH_GET_LIMIT - 1);
    const items = await batchGet([stateKey(userId), ...unique.map(suppressionKey)], {
      client: this.client,
      tableName: this.tableName,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      backoff: jitteredBackoff(),
    });
    let stored: StoredCustomerState | undefined;
    const suppressed: [string, SuppressionReason][] = [];
    for (const item of items) {
      const suppression = parseSuppression(item);
      if (suppression) suppressed.push(suppression);
      else stored = storedState(item);
    }
    return { stored, suppressed };
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

  /** The customers whose stored state holds this address: a Query of its address index (eventually consistent). */
  async holdersOf(address: string): Promise<string[]> {
    const index = address.includes('@') ? ADDRESS_INDEXES.email : ADDRESS_INDEXES.phone;
    const holders: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = Page.parse(
        await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: index.indexName,
            KeyConditionExpression: '#address = :address',
            ExpressionAttributeNames: { '#address': index.attribute },
            ExpressionAttributeValues: { ':address': address },
            ...(start ? { ExclusiveStartKey: start } : {}),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      for (const item of page.Items ?? [])
        holders.push(HolderKeys.parse(item)[PARTITION_KEY].slice(customerKeys.partition('').length));
      start = page.LastEvaluatedKey;
    } while (start);
    return holders;
  }
}
