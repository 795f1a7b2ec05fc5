import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { SeenMemory } from '../../core/engine/seen-memory.ts';
import type { CustomerState } from '../../core/engine/state.ts';
import type { SuppressionReason } from '../../core/policies/suppression-reason.ts';
import type { AddressHolders } from '../../core/ports/address-holders.ts';
import {
  type CustomerStateStore,
  type SaveResult,
  type StoredCustomerState,
  tooLargeToSave,
} from '../../core/ports/customer-state-store.ts';
import type { StateWithSuppressions } from '../../core/ports/state-with-suppressions.ts';
import { DEFAULT_MAX_ATTEMPTS, jitteredBackoff } from '../../core/runtime/read-modify-write.ts';
import { BATCH_GET_LIMIT, batchGet } from './batch-get.ts';
import { itemSize, writeUnits } from './item-size.ts';
import {
  decodeSeen,
  encodeSeen,
  mergeSeen,
  planSeen,
  SEEN_FROM_ATTRIBUTE,
  SEEN_SORT_KEY,
  type SeenAsLoaded,
  type SeenDays,
  SeenItem,
  type SeenPlan,
  STORED_PRINT_BYTES,
} from './seen-item.ts';
import { decodeState, encodeState, encodeStateText } from './state-codec.ts';
import { parseSuppression, suppressionKey } from './suppression-item.ts';
import { ADDRESS_INDEXES, customerKeys, PARTITION_KEY, SORT_KEY } from './table.ts';

/** Short attribute names: DynamoDB bills every name in every item, on every read and write. */
export const STATE_ATTRIBUTES = { version: 'v', state: 's' } as const;

/** The state item as lib-dynamodb returns it: binary attributes come back as Uint8Array. */
const StateItem = z.lazy(() =>
  z.object({
    [STATE_ATTRIBUTES.version]: z.number().int().positive(),
    [STATE_ATTRIBUTES.state]: z.instanceof(Uint8Array),
    [SEEN_FROM_ATTRIBUTE]: z.number().int().optional(),
  }),
);

export type DynamoCustomerStateStoreOptions = { client: DynamoDBDocumentClient; tableName: string };

/**
 * The item that holds a customer's state at a version, as written; with `seenFrom`, its `seen` holds only the
 * fingerprints beyond the seen item's days from `seenFrom` on (seen-item.ts); `stateText` is `state`'s
 * `JSON.stringify`, when the caller made it already. Exported for size measurements.
 */
export function stateItem(
  state: CustomerState,
  version: number,
  seenFrom?: number,
  stateText?: string,
): Record<string, string | number | Uint8Array> {
  const { email, phone } = state.profile;
  return {
    [PARTITION_KEY]: customerKeys.partition(state.userId),
    [SORT_KEY]: customerKeys.state,
    [STATE_ATTRIBUTES.version]: version,
    [STATE_ATTRIBUTES.state]: stateText === undefined ? encodeState(state) : encodeStateText(stateText),
    ...(seenFrom === undefined ? {} : { [SEEN_FROM_ATTRIBUTE]: seenFrom }),
    // Outside the compressed state, for the address indexes (table.ts).
    ...(email === undefined ? {} : { [ADDRESS_INDEXES.email.attribute]: email }),
    ...(phone === undefined ? {} : { [ADDRESS_INDEXES.phone.attribute]: phone }),
  };
}

function stateKey(userId: string) {
  return { [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: customerKeys.state };
}

function seenKey(userId: string) {
  return { [PARTITION_KEY]: customerKeys.partition(userId), [SORT_KEY]: SEEN_SORT_KEY };
}

/**
 * A customer state item as read (GetItem, BatchGetItem, a Scan): parsed, then its state decoded. Its `seen`
 * is the state item's part only: `load` adds the seen item's (seen-item.ts); a Scan, which reads no seen item,
 * gives states for reading, not for saving.
 */
export function storedState(raw: Record<string, unknown>): StoredCustomerState {
  const item = StateItem.parse(raw);
  return { state: decodeState(item[STATE_ATTRIBUTES.state]), version: item[STATE_ATTRIBUTES.version] };
}

const HolderKeys = z.lazy(() =>
  z.object({ [PARTITION_KEY]: z.string().startsWith(customerKeys.partition('')) }),
);
const Page = z.lazy(() =>
  z.object({
    Items: z.array(z.record(z.string(), z.unknown())).optional(),
    LastEvaluatedKey: z.record(z.string(), z.unknown()).optional(),
  }),
);
const SortKey = z.lazy(() => z.object({ [SORT_KEY]: z.string() }));

/** Loads whose save has not come: a load with no save (an input seen before) must not keep memory growing. */
const LOADS_KEPT = 1024;

/**
 * Customer states in DynamoDB: per customer a state item (pk `USER#<userId>`, sk `STATE`) holding the
 * compressed state and a numeric version, and beside it the seen item (sk `STATE#SEEN`) holding the older part
 * of the state's remembered inputs (seen-item.ts). A load is one strongly consistent Query of both (a stale
 * read would only cost a failed write and a retry, which costs more than the consistent read); a save is one
 * PutItem of the state item conditional on the version that was read, and now and then first one of the seen
 * item, conditional on its own. The profile's addresses are also plain attributes of the state item, indexed,
 * so that the customers holding an address can be found (`holdersOf`).
 */
export class DynamoCustomerStateStore implements CustomerStateStore, AddressHolders, StateWithSuppressions {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** What each load read of the seen item, by user id and state version, for its save. */
  private readonly loads = new Map<string, SeenAsLoaded>();

  constructor(options: DynamoCustomerStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :state)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
        ExpressionAttributeValues: { ':pk': customerKeys.partition(userId), ':state': customerKeys.state },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return this.assemble(userId, Page.parse(output).Items ?? []);
  }

  /** The state, its seen item and the addresses' suppression items in one BatchGetItem (strongly consistent). */
  async loadWithSuppressions(
    userId: string,
    addresses: readonly string[],
  ): Promise<{ stored: StoredCustomerState | undefined; suppressed: [string, SuppressionReason][] }> {
    const unique = [...new Set(addresses)].slice(0, BATCH_GET_LIMIT - 2);
    const items = await batchGet([stateKey(userId), seenKey(userId), ...unique.map(suppressionKey)], {
      client: this.client,
      tableName: this.tableName,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      backoff: jitteredBackoff(),
    });
    const suppressed: [string, SuppressionReason][] = [];
    const customer: Record<string, unknown>[] = [];
    for (const item of items) {
      const suppression = parseSuppression(item);
      if (suppression) suppressed.push(suppression);
      else customer.push(item);
    }
    return { stored: this.assemble(userId, customer), suppressed };
  }

  /** The state item and the seen item as one state, remembering what was read of the seen item for the save. */
  private assemble(
    userId: string,
    items: readonly Record<string, unknown>[],
  ): StoredCustomerState | undefined {
    const stateRaw = items.find((item) => SortKey.parse(item)[SORT_KEY] === customerKeys.state);
    if (stateRaw === undefined) return undefined;
    const seenRaw = items.find((item) => SortKey.parse(item)[SORT_KEY] === SEEN_SORT_KEY);
    const parsed = StateItem.parse(stateRaw);
    const stored = {
      state: decodeState(parsed[STATE_ATTRIBUTES.state]),
      version: parsed[STATE_ATTRIBUTES.version],
    };
    const seenItem = seenRaw === undefined ? undefined : SeenItem.parse(seenRaw);
    const item = seenItem === undefined ? undefined : decodeSeen(seenItem.s);
    const inState = stored.state.seen?.toRecord();
    const applied = mergeSeen(inState, item, parsed[SEEN_FROM_ATTRIBUTE]);
    this.remember(userId, stored.version, { item, version: seenItem?.v, applied });
    return applied === undefined || applied === inState
      ? stored
      : { ...stored, state: { ...stored.state, seen: SeenMemory.fromRecord(applied) } };
  }

  private remember(userId: string, version: number, loaded: SeenAsLoaded): void {
    if (this.loads.size >= LOADS_KEPT) {
      const oldest = this.loads.keys().next().value;
      if (oldest !== undefined) this.loads.delete(oldest);
    }
    this.loads.set(`${version} ${userId}`, loaded);
  }

  async save(
    state: CustomerState,
    expectedVersion: number | undefined,
    maxBytes?: number,
  ): Promise<SaveResult> {
    const version = (expectedVersion ?? 0) + 1;
    const key = `${expectedVersion} ${state.userId}`;
    const loaded = expectedVersion === undefined ? undefined : this.loads.get(key);
    this.loads.delete(key);
    // The limit is on the whole state's text, as every store measures it, though the item keeps `seen` apart.
    // That text is also the item's when the item keeps the whole `seen` (the usual case): made once for both.
    let wholeText: string | undefined;
    const wholeStateText = () => {
      wholeText ??= JSON.stringify(state);
      return wholeText;
    };
    const tooLarge = maxBytes === undefined ? undefined : tooLargeToSave(wholeStateText(), maxBytes);
    if (tooLarge) return tooLarge;
    const seen = state.seen?.toRecord();
    const itemOf = (plan: SeenPlan) =>
      plan.stored === seen
        ? stateItem(state, version, plan.from, wholeStateText())
        : stateItem(
            { ...state, seen: plan.stored && SeenMemory.fromRecord(plan.stored) },
            version,
            plan.from,
          );
    let measured: { plan: SeenPlan; item: Record<string, string | number | Uint8Array> } | undefined;
    const plan = planSeen(seen, loaded, (kept, prints) => {
      measured = { plan: kept, item: itemOf(kept) };
      const size = itemSize(measured.item);
      return writeUnits(size) > writeUnits(size - prints * STORED_PRINT_BYTES);
    });
    if (
      plan.flush &&
      !(await this.putConditionally(seenItemOf(state.userId, plan.flush), plan.flush.expectedVersion))
    )
      return { ok: false, reason: 'conflict' };
    const written = measured?.plan === plan ? measured.item : itemOf(plan);
    return (await this.putConditionally(written, expectedVersion))
      ? { ok: true, version }
      : { ok: false, reason: 'conflict' };
  }

  /** Puts an item when its stored version is `expectedVersion` (absent: when there is none); false if not. */
  private async putConditionally(
    item: Record<string, unknown>,
    expectedVersion: number | undefined,
  ): Promise<boolean> {
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
          Item: item,
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
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

/** The seen item of a flush, at the version after the one it was read at. */
function seenItemOf(
  userId: string,
  flush: { seen: SeenDays; expectedVersion: number | undefined },
): Record<string, unknown> {
  return {
    ...seenKey(userId),
    [STATE_ATTRIBUTES.version]: (flush.expectedVersion ?? 0) + 1,
    [STATE_ATTRIBUTES.state]: encodeSeen(flush.seen),
  };
}
