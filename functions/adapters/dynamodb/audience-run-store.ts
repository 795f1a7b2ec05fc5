import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AudienceRunRecord } from '../../core/audience-runs/record.ts';
import type { AudienceRunStore } from '../../core/ports/audience-run-store.ts';
import { PARTITION_KEY, SORT_KEY } from './table.ts';

/** The key of a run's record: one partition per journey, one item per run (docs/data-model.md). */
export const audienceRunKey = (journeyId: string, run: string) => ({
  [PARTITION_KEY]: `RUNS#${journeyId}`,
  [SORT_KEY]: run,
});

const Items = z.lazy(() =>
  z.object({
    Items: z.array(z.object({ record: z.unknown() })).optional(),
    LastEvaluatedKey: z.record(z.string(), z.unknown()).optional(),
  }),
);

export type DynamoAudienceRunStoreOptions = { client: DynamoDBDocumentClient; tableName: string };

/** The runs of scheduled journeys in the table, each record parsed with its schema when read. */
export class DynamoAudienceRunStore implements AudienceRunStore {
  constructor(private readonly options: DynamoAudienceRunStoreOptions) {}

  async get(journeyId: string, run: string): Promise<AudienceRunRecord | undefined> {
    const { client, tableName } = this.options;
    const got = await client.send(
      new GetCommand({ TableName: tableName, Key: audienceRunKey(journeyId, run), ConsistentRead: true }),
    );
    return got.Item ? AudienceRunRecord.parse(got.Item.record) : undefined;
  }

  async put(record: AudienceRunRecord): Promise<void> {
    const { client, tableName } = this.options;
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...audienceRunKey(record.journeyId, record.run), record },
      }),
    );
  }

  async list(journeyId?: string): Promise<AudienceRunRecord[]> {
    const { client, tableName } = this.options;
    const records: AudienceRunRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = Items.parse(
        await client.send(
          journeyId === undefined
            ? new ScanCommand({
                TableName: tableName,
                FilterExpression: 'begins_with(#pk, :runs)',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY },
                ExpressionAttributeValues: { ':runs': 'RUNS#' },
                ...(start ? { ExclusiveStartKey: start } : {}),
              })
            : new QueryCommand({
                TableName: tableName,
                KeyConditionExpression: '#pk = :pk',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY },
                ExpressionAttributeValues: { ':pk': audienceRunKey(journeyId, '').pk },
                ...(start ? { ExclusiveStartKey: start } : {}),
              }),
        ),
      );
      for (const item of page.Items ?? []) records.push(AudienceRunRecord.parse(item.record));
      start = page.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => a.dueAt - b.dueAt || a.journeyId.localeCompare(b.journeyId));
  }
}
