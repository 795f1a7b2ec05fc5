import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type RateCounter, reserveSecond } from '../../core/policies/send-rate.ts';
import type { SendRateCounters } from '../../core/ports/send-rate.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';

/** The key of a journey's send-rate counter (docs/data-model.md). */
export const sendRateKey = (journeyId: string) => ({
  [PARTITION_KEY]: `RATE#${journeyId}`,
  [SORT_KEY]: 'RATE',
});

const CounterItem = z.lazy(() => z.object({ s: z.number(), n: z.number() }));

/** Rounds of read-and-write when another instance reserved between our read and write. */
const MAX_ROUNDS = 50;

export type DynamoSendRateCountersOptions = { client: DynamoDBDocumentClient; tableName: string };

/**
 * A journey's send-rate counter in the table: one item (`RATE#<journey>` / `RATE`) holding the latest second
 * reserved (`s`) and its count (`n`). A reservation reads it (strongly consistent), decides with
 * `reserveSecond` (the simulator's decision), and writes the new counter on condition that it is unchanged;
 * a lost race reads again. One item takes about 1,000 writes a second, so a limit up to about 500 a second per
 * journey is kept exactly (each reservation is a read and a write).
 */
export class DynamoSendRateCounters implements SendRateCounters {
  constructor(private readonly options: DynamoSendRateCountersOptions) {}

  async reserve(journeyId: string, fromSecond: number, perSecond: number): Promise<number> {
    const { client, tableName } = this.options;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const got = await client.send(
        new GetCommand({ TableName: tableName, Key: sendRateKey(journeyId), ConsistentRead: true }),
      );
      const stored = got.Item ? CounterItem.parse(got.Item) : undefined;
      const before: RateCounter | undefined = stored && { second: stored.s, count: stored.n };
      const { second, counter } = reserveSecond(before, fromSecond, perSecond);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...sendRateKey(journeyId), s: counter.second, n: counter.count },
            ...(stored
              ? {
                  ConditionExpression: '#s = :s AND #n = :n',
                  ExpressionAttributeNames: { '#s': 's', '#n': 'n' },
                  ExpressionAttributeValues: { ':s': stored.s, ':n': stored.n },
                }
              : {
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': PARTITION_KEY },
                }),
          }),
        );
        return second;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`send-rate counter of ${journeyId}: ${MAX_ROUNDS} reservations lost to other writers`);
  }
}
