import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CallSlots } from '../../core/ports/call-slots.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';

/** The key of a call target's slots item (docs/data-model.md). */
export const callSlotsKey = (target: string) => ({
  [PARTITION_KEY]: `CALLSLOTS#${target}`,
  [SORT_KEY]: 'SLOTS',
});

/** The holders attribute: call id to the end of its lease (epoch ms). */
const HOLDERS = 'h';

const SlotsItem = z.lazy(() => z.object({ [HOLDERS]: z.record(z.string(), z.number()) }));

/** Rounds of read-and-write when the slots item changed under us; after them the call waits like a full one. */
const MAX_ROUNDS = 5;

export type DynamoCallSlotsOptions = { client: DynamoDBDocumentClient; tableName: string };

/**
 * A target's slots in the table: one item per target (`CALLSLOTS#<target>` / `SLOTS`) whose map `h` holds each
 * holder's lease end. A slot is taken with one conditional UpdateItem (`SET h.<id>` when `size(h) < max`), and
 * given back with one UpdateItem (`REMOVE h.<id>`). Only when the map is full by count is the item read, to
 * drop the leases that ran out (a crashed holder's) in the same conditional write that takes the slot: the
 * condition requires the map's size and each dropped lease unchanged since the read.
 */
export class DynamoCallSlots implements CallSlots {
  constructor(private readonly options: DynamoCallSlotsOptions) {}

  async acquire(target: string, holder: string, max: number, now: number, until: number): Promise<boolean> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (await this.takeFree(target, holder, max, until)) return true;
      const holders = await this.holdersOf(target);
      if (holders === undefined) {
        if (await this.create(target, holder, until)) return true;
        continue;
      }
      const expired = Object.entries(holders).filter(([id, end]) => end <= now && id !== holder);
      const live = Object.keys(holders).length - expired.length;
      if (live >= max && !(holder in holders)) return false;
      if (await this.takeExpired(target, holder, until, Object.keys(holders).length, expired)) return true;
    }
    return false;
  }

  async release(target: string, holder: string): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: callSlotsKey(target),
        UpdateExpression: 'REMOVE #h.#id',
        ConditionExpression: 'attribute_exists(#h)',
        ExpressionAttributeNames: { '#h': HOLDERS, '#id': holder },
      }),
    );
  }

  /** The fast path: a free slot by count, or the holder's own. */
  private takeFree(target: string, holder: string, max: number, until: number): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: callSlotsKey(target),
        UpdateExpression: 'SET #h.#id = :until',
        ConditionExpression: 'attribute_exists(#h) AND (size(#h) < :max OR attribute_exists(#h.#id))',
        ExpressionAttributeNames: { '#h': HOLDERS, '#id': holder },
        ExpressionAttributeValues: { ':until': until, ':max': max },
      }),
    );
  }

  /** The first call to a target makes its item. */
  private create(target: string, holder: string, until: number): Promise<boolean> {
    return this.conditional(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { ...callSlotsKey(target), [HOLDERS]: { [holder]: until } },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY },
      }),
    );
  }

  /** Drops the expired leases read and takes the slot, if nothing changed since the read. */
  private takeExpired(
    target: string,
    holder: string,
    until: number,
    size: number,
    expired: readonly (readonly [string, number])[],
  ): Promise<boolean> {
    const names: Record<string, string> = { '#h': HOLDERS, '#id': holder };
    const values: Record<string, number> = { ':until': until, ':size': size };
    const conditions = ['size(#h) = :size'];
    expired.forEach(([id, end], i) => {
      names[`#e${i}`] = id;
      values[`:e${i}`] = end;
      conditions.push(`#h.#e${i} = :e${i}`);
    });
    const removes = expired.map((_, i) => `#h.#e${i}`);
    return this.conditional(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: callSlotsKey(target),
        UpdateExpression: `SET #h.#id = :until${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async holdersOf(target: string): Promise<Record<string, number> | undefined> {
    const output = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: callSlotsKey(target), ConsistentRead: true }),
    );
    return output.Item ? SlotsItem.parse(output.Item)[HOLDERS] : undefined;
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      if (command instanceof PutCommand) await this.options.client.send(command);
      else await this.options.client.send(command);
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
