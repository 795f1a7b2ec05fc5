import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type CountedSend, countSend } from '../../core/policies/caps-window.ts';
import { SuppressionReason } from '../../core/policies/config.ts';
import type { Claim, Completion } from '../../core/policies/ledger.ts';
import type { CapCheck, CountResult, PolicyStore } from '../../core/policies/store.ts';
import { DEFAULT_MAX_ATTEMPTS, jitteredBackoff } from '../../core/runtime/read-process-write.ts';
import { customerKeys, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './table.ts';

/** Keys of the policy store's items (docs/data-model.md). The caps item shares its customer's partition. */
const CAPS_SORT_KEY = 'CAPS';
const ADDRESS_PREFIX = 'ADDR#';
export const policyKeys = {
  caps: (userId: string) => ({ [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: CAPS_SORT_KEY }),
  ledger: (messageId: string) => ({ [PARTITION_KEY]: `MSG#${messageId}`, [SORT_KEY]: 'LEDGER' }),
  suppression: (address: string) => ({
    [PARTITION_KEY]: `${ADDRESS_PREFIX}${address}`,
    [SORT_KEY]: 'SUPPRESSION',
  }),
} as const;

/** Short attribute names: DynamoDB bills every name in every item, on every read and write. */
const A = {
  version: 'v',
  sends: 'c',
  state: 'st',
  claimedAt: 'at',
  attempt: 'n',
  completedAt: 'done',
  providerMessageId: 'pid',
  error: 'err',
  reason: 'r',
} as const;

/** How long a ledger record outlives its claim: long past any re-delivery or retry of the message. */
export const LEDGER_TTL_MS = 90 * 24 * 3_600_000;
/** BatchGetItem reads at most 100 keys per request. */
const BATCH_GET_LIMIT = 100;

/** Counted sends as stored: `[messageId, time, expiry, ruleIds]` tuples, compact JSON in one string. */
const StoredSends = z.array(z.tuple([z.string(), z.number(), z.number(), z.array(z.string())]));
const CapsItem = z.object({ [A.version]: z.number().int().positive(), [A.sends]: z.string() });
const LedgerItem = z.object({
  [A.state]: z.enum(['CLAIMED', 'SENT', 'FAILED']),
  [A.claimedAt]: z.number(),
  [A.attempt]: z.number().int().positive(),
  [A.completedAt]: z.number().optional(),
  [A.providerMessageId]: z.string().optional(),
  [A.error]: z.string().optional(),
});
const Keyed = z.object({ [PARTITION_KEY]: z.string(), [SORT_KEY]: z.string() });
type StoredCaps = { version: number; sends: CountedSend[] };

function parseCaps(raw: Record<string, unknown>): StoredCaps {
  const item = CapsItem.parse(raw);
  const sends = StoredSends.parse(JSON.parse(item[A.sends])).map(([m, t, x, r]) => ({ m, t, x, r }));
  return { version: item[A.version], sends };
}

const SuppressionItem = z.object({ [PARTITION_KEY]: z.string(), [A.reason]: SuppressionReason });

export type DynamoPolicyStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Attempts of one tryCount against concurrent writers of the same customer (default 8). */
  maxAttempts?: number;
  backoff?: (attempt: number) => number;
};

/** Every attempt of a tryCount lost to a concurrent count of the same customer; nothing was counted. */
export class CapsConflictError extends Error {
  constructor(
    readonly userId: string,
    readonly attempts: number,
  ) {
    super(`customer ${userId}: caps changed concurrently on each of ${attempts} attempts`);
    this.name = 'CapsConflictError';
  }
}

/** The caps item of a customer at a version, as written. Exported for size measurements. */
export function capsItem(userId: string, sends: readonly CountedSend[], version: number) {
  const expiresAt = Math.max(0, ...sends.map((s) => s.x));
  return {
    ...policyKeys.caps(userId),
    [A.version]: version,
    [A.sends]: JSON.stringify(sends.map((s) => [s.m, s.t, s.x, s.r])),
    // Once every send has left its window the item says nothing; DynamoDB deletes it for free.
    [TTL_ATTRIBUTE]: Math.ceil(expiresAt / 1000),
  };
}

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
 * - caps: one item per customer (`USER#<id>` / `CAPS`) holding its recently counted sends. A count reads it
 *   (strongly consistent), decides in the core (`countSend`, the same code as the in-memory store) and writes
 *   it back with one PutItem conditional on the version it read; a lost race reads again and retries.
 * - the send ledger: one item per message (`MSG#<id>` / `LEDGER`), claimed with a PutItem that requires it
 *   to be absent, completed and taken over with conditional UpdateItems; it expires 90 days after its claim.
 * - suppressions: one item per normalised address (`ADDR#<address>` / `SUPPRESSION`), read with BatchGetItem.
 */
export class DynamoPolicyStore implements PolicyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxAttempts: number;
  private readonly backoff: (attempt: number) => number;
  /**
   * The caps item read ahead by `suppressed` in the same BatchGetItem, for the tryCount of that customer that
   * follows: used once, then dropped. Only the latest is kept. A stale one is safe: a count written from it
   * fails its condition and reads again, and a block found in it still holds (see tryCount).
   */
  private readAhead: { userId: string; caps: StoredCaps | undefined } | undefined;

  constructor(options: DynamoPolicyStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.backoff = options.backoff ?? jitteredBackoff();
  }

  async tryCount(
    userId: string,
    messageId: string,
    at: number,
    rules: readonly CapCheck[],
  ): Promise<CountResult> {
    // No rule, nothing to count: no request at all (transactional messages, most of the time).
    if (rules.length === 0) return { ok: true };
    const ahead = this.readAhead?.userId === userId ? this.readAhead : undefined;
    this.readAhead = undefined;
    if (ahead) {
      const decision = countSend(ahead.caps?.sends ?? [], messageId, at, rules);
      // A block is trusted: counted sends only accumulate within their windows, so what blocked when the item
      // was read still blocks. Its freesAt may be early if counts landed since (milliseconds, in the pipeline);
      // a send deferred until then goes through the pipeline again and is deferred again if need be.
      if (!decision.ok) return decision;
      if (!decision.changed) return { ok: true };
      const version = (ahead.caps?.version ?? 0) + 1;
      if (await this.writeCaps(capsItem(userId, decision.sends, version), ahead.caps?.version))
        return { ok: true };
      // Lost a race: decide again on a fresh read.
    }
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.backoff(attempt));
      const stored = await this.readCaps(userId);
      const decision = countSend(stored?.sends ?? [], messageId, at, rules);
      if (!decision.ok) return decision;
      if (!decision.changed) return { ok: true };
      const version = (stored?.version ?? 0) + 1;
      if (await this.writeCaps(capsItem(userId, decision.sends, version), stored?.version))
        return { ok: true };
    }
    throw new CapsConflictError(userId, this.maxAttempts);
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

  async suppressed(addresses: readonly string[], userId?: string): Promise<[string, SuppressionReason][]> {
    const keys = [
      ...(userId === undefined ? [] : [policyKeys.caps(userId)]),
      ...[...new Set(addresses)].map(policyKeys.suppression),
    ];
    const found = new Map<string, SuppressionReason>();
    let caps: StoredCaps | undefined;
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      for (const item of await this.batchGet(keys.slice(i, i + BATCH_GET_LIMIT))) {
        if (Keyed.parse(item)[SORT_KEY] === CAPS_SORT_KEY) {
          caps = parseCaps(item);
          continue;
        }
        const parsed = SuppressionItem.parse(item);
        found.set(parsed[PARTITION_KEY].slice(ADDRESS_PREFIX.length), parsed[A.reason]);
      }
    }
    this.readAhead = userId === undefined ? undefined : { userId, caps };
    return addresses.flatMap((a): [string, SuppressionReason][] => {
      const reason = found.get(a);
      return reason ? [[a, reason]] : [];
    });
  }

  async suppress(address: string, reason: SuppressionReason): Promise<void> {
    // Never expires: a hard bounce, a complaint or a STOP outlives any period of inactivity.
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...policyKeys.suppression(address), [A.reason]: reason },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  private async readCaps(userId: string): Promise<StoredCaps | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: policyKeys.caps(userId),
        // A stale read would only cost a failed conditional write and a second read.
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return output.Item ? parseCaps(output.Item) : undefined;
  }

  /** Writes the caps item when the stored version is still `expected` (absent when undefined). */
  private writeCaps(item: ReturnType<typeof capsItem>, expected: number | undefined): Promise<boolean> {
    const condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > =
      expected === undefined
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': A.version },
            ExpressionAttributeValues: { ':expected': expected },
          };
    return this.conditional(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...condition,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  /** Sends a conditional write: true when written, false when its condition did not hold. */
  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      if (command instanceof PutCommand) await this.client.send(command);
      else await this.client.send(command);
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One BatchGetItem (strongly consistent), and more only for keys DynamoDB left unprocessed. */
  private async batchGet(keys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending = keys;
    for (let round = 1; pending.length > 0; round++) {
      if (round > 1) await sleep(this.backoff(round));
      if (round > this.maxAttempts) throw new Error(`BatchGetItem left ${pending.length} key(s) unprocessed`);
      const output = await this.client.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      items.push(...(output.Responses?.[this.tableName] ?? []));
      pending = UnprocessedKeys.parse(output.UnprocessedKeys?.[this.tableName]?.Keys ?? []);
    }
    return items;
  }
}

const UnprocessedKeys = z.array(z.record(z.string(), z.string()));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
