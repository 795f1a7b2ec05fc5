import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Claim, Completion } from '../../core/policies/ledger.ts';
import type { SuppressionReason } from '../../core/policies/suppression-reason.ts';
import type { PolicyStore } from '../../core/ports/policy-store.ts';
import { DEFAULT_MAX_ATTEMPTS, jitteredBackoff } from '../../core/runtime/read-modify-write.ts';
import { suppressHolders } from '../../core/runtime/suppress-holders.ts';
import { BATCH_GET_LIMIT, batchGet } from './batch-get.ts';
import { DynamoCustomerStateStore } from './customer-state-store.ts';
import { parseSuppression, suppressionItem, suppressionKey } from './suppression-item.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';

/** Keys of the policy store's own items (docs/data-model.md); caps are counted in the customer's state item. */
export const policyKeys = {
  ledger: (messageId: string) => ({ [PARTITION_KEY]: `MSG#${messageId}`, [SORT_KEY]: 'LEDGER' }),
  suppression: suppressionKey,
} as const;

/** Short attribute names: DynamoDB bills every name in every item, on every read and write. */
const A = {
  state: 'st',
  claimedAt: 'at',
  attempt: 'n',
  completedAt: 'done',
  providerMessageId: 'pid',
  error: 'err',
} as const;

/** How long a ledger record outlives its claim: long past any re-delivery or retry of the message. */
export const LEDGER_TTL_MS = 90 * 24 * 3_600_000;

const LedgerItem = z.lazy(() =>
  z.object({
    [A.state]: z.enum(['CLAIMED', 'SENT', 'FAILED']),
    [A.claimedAt]: z.number(),
    [A.attempt]: z.number().int().positive(),
    [A.completedAt]: z.number().optional(),
    [A.providerMessageId]: z.string().optional(),
    [A.error]: z.string().optional(),
  }),
);

export type DynamoPolicyStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Attempts of one count (or one suppression copy) against concurrent writers of the customer (default 8). */
  maxAttempts?: number;
  backoff?: (attempt: number) => number;
};

/** The ledger item of a message as first claimed. Exported for size measurements. */
export function claimItem(messageId: string, at: number) {
  return {
    ...policyKeys.ledger(messageId),
    [A.state]: 'CLAIMED',
    [A.claimedAt]: at,
    [A.attempt]: 1,
    [TTL_ATTRIBUTE]: Math.ceil((at + LEDGER_TTL_MS) / 1000),
  };
}

/**
 * The delivery policies' store in DynamoDB (docs/data-model.md):
 *
 * - caps are not here: they are counted in the customer's state item (`delivery.counted`), in the state's
 *   own conditional write (policies/customer-delivery.ts), the one place caps are counted.
 * - the send ledger: one item per message (`MSG#<id>` / `LEDGER`), claimed with a PutItem that requires it
 *   to be absent, completed and taken over with conditional UpdateItems; it expires 90 days after its claim.
 * - suppressions: one item per normalised address (`ADDR#<address>` / `SUPPRESSION`), read with BatchGetItem;
 *   and a copy in the state of each customer holding the address, found through the address indexes.
 */
export class DynamoPolicyStore implements PolicyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly states: DynamoCustomerStateStore;
  private readonly retry: { maxAttempts: number; backoff: (attempt: number) => number };

  constructor(options: DynamoPolicyStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.states = new DynamoCustomerStateStore({ client: options.client, tableName: options.tableName });
    this.retry = {
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      backoff: options.backoff ?? jitteredBackoff(),
    };
  }

  async claim(messageId: string, at: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: claimItem(messageId, at),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async complete(messageId: string, completion: Completion): Promise<boolean> {
    const detail =
      completion.status === 'FAILED'
        ? { name: A.error, value: completion.error }
        : completion.providerMessageId !== undefined
          ? { name: A.providerMessageId, value: completion.providerMessageId }
          : undefined;
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: policyKeys.ledger(messageId),
        UpdateExpression: `SET #st = :status, #done = :at${detail ? ', #detail = :detail' : ''}`,
        ConditionExpression: '#st = :claimed',
        ExpressionAttributeNames: {
          '#st': A.state,
          '#done': A.completedAt,
          ...(detail ? { '#detail': detail.name } : {}),
        },
        ExpressionAttributeValues: {
          ':status': completion.status,
          ':at': completion.at,
          ':claimed': 'CLAIMED',
          ...(detail ? { ':detail': detail.value } : {}),
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async claimOf(messageId: string): Promise<Claim | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: policyKeys.ledger(messageId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    if (!output.Item) return undefined;
    const item = LedgerItem.parse(output.Item);
    return {
      messageId,
      state: item[A.state],
      claimedAt: item[A.claimedAt],
      attempt: item[A.attempt],
      ...(item[A.completedAt] !== undefined ? { completedAt: item[A.completedAt] } : {}),
      ...(item[A.providerMessageId] !== undefined ? { providerMessageId: item[A.providerMessageId] } : {}),
      ...(item[A.error] !== undefined ? { error: item[A.error] } : {}),
    };
  }

  async release(messageId: string): Promise<boolean> {
    return this.conditional(
      new DeleteCommand({
        TableName: this.tableName,
        Key: policyKeys.ledger(messageId),
        ConditionExpression: '#st = :claimed',
        ExpressionAttributeNames: { '#st': A.state },
        ExpressionAttributeValues: { ':claimed': 'CLAIMED' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async reclaim(messageId: string, attempt: number, at: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: policyKeys.ledger(messageId),
        UpdateExpression: 'SET #n = :next, #at = :at',
        ConditionExpression: '#st = :claimed AND #n = :attempt',
        ExpressionAttributeNames: { '#st': A.state, '#n': A.attempt, '#at': A.claimedAt },
        ExpressionAttributeValues: {
          ':claimed': 'CLAIMED',
          ':attempt': attempt,
          ':next': attempt + 1,
          ':at': at,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async suppressed(addresses: readonly string[]): Promise<[string, SuppressionReason][]> {
    const keys = [...new Set(addresses)].map(suppressionKey);
    const found = new Map<string, SuppressionReason>();
    const options = { client: this.client, tableName: this.tableName, ...this.retry };
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      for (const item of await batchGet(keys.slice(i, i + BATCH_GET_LIMIT), options)) {
        const suppression = parseSuppression(item);
        if (suppression) found.set(...suppression);
      }
    }
    return addresses.flatMap((a): [string, SuppressionReason][] => {
      const reason = found.get(a);
      return reason ? [[a, reason]] : [];
    });
  }

  /**
   * The address's own item first (never expires: a hard bounce, a complaint or a STOP outlives any period of
   * inactivity), then a copy in the state of every customer who holds the address, where the runtime reads
   * it. A retry after a failure in between repeats both harmlessly.
   */
  async suppress(address: string, reason: SuppressionReason): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: suppressionItem(address, reason),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    await suppressHolders(this.states, address, reason, this.retry);
  }

  /** Sends a conditional write: true when written, false when its condition did not hold. */
  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
