import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

/** BatchGetItem reads at most 100 keys per request. */
export const BATCH_GET_LIMIT = 100;

export type BatchGetOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Rounds before giving up on keys DynamoDB keeps leaving unprocessed. */
  maxAttempts: number;
  backoff: (attempt: number) => number;
};

const UnprocessedKeys = z.lazy(() => z.array(z.record(z.string(), z.string())));

/**
 * Reads up to 100 keys in one BatchGetItem (strongly consistent), and more requests only for keys DynamoDB
 * left unprocessed (under throttling), after a backoff.
 */
export async function batchGet(
  keys: Record<string, string>[],
  { client, tableName, maxAttempts, backoff }: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  if (keys.length > BATCH_GET_LIMIT) throw new Error(`BatchGetItem takes at most ${BATCH_GET_LIMIT} keys`);
  const items: Record<string, unknown>[] = [];
  let pending = keys;
  for (let round = 1; pending.length > 0; round++) {
    if (round > maxAttempts) throw new Error(`BatchGetItem left ${pending.length} key(s) unprocessed`);
    if (round > 1) await sleep(backoff(round));
    const output = await client.send(
      new BatchGetCommand({
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    items.push(...(output.Responses?.[tableName] ?? []));
    pending = UnprocessedKeys.parse(output.UnprocessedKeys?.[tableName]?.Keys ?? []);
  }
  return items;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
