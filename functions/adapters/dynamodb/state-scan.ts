import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CustomerState } from '../../core/engine/state.ts';
import { storedState } from './customer-state-store.ts';
import { customerKeys, SORT_KEY } from './table.ts';

export type StateScanOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Items read per page at most (DynamoDB's Limit, before the filter); by default a page is 1 MB. */
  pageLimit?: number;
};

/** One Segment of a parallel Scan: `segment` of `totalSegments` (DynamoDB's Segment/TotalSegments). */
export type ScanSegment = { segment: number; totalSegments: number };

/** What one page of the Scan cost and held, for the function's metrics and the docs' cost figures. */
export type ScanPage = { states: CustomerState[]; scannedItems: number; readUnits: number };

const Page = z.lazy(() =>
  z.object({
    Items: z.array(z.record(z.string(), z.unknown())).optional(),
    LastEvaluatedKey: z.record(z.string(), z.unknown()).optional(),
    ScannedCount: z.number().optional(),
    ConsumedCapacity: z.object({ CapacityUnits: z.number().optional() }).optional(),
  }),
);

/**
 * The customer states of one Segment of a parallel Scan of the table, page by page (eventually consistent,
 * 1 MB a page). The filter keeps customer state items (`sk = STATE`); DynamoDB still reads, and bills, every
 * item of the segment, timers and ledger items included (docs/audiences.md, "What a batch evaluation costs").
 * Each item is parsed with the store's own schema and codec, so a state the store would refuse is refused here.
 */
export async function* scanStates(
  options: StateScanOptions,
  { segment, totalSegments }: ScanSegment,
): AsyncGenerator<ScanPage> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = Page.parse(
      await options.client.send(
        new ScanCommand({
          TableName: options.tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          FilterExpression: '#sk = :state',
          ExpressionAttributeNames: { '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':state': customerKeys.state },
          ...(start ? { ExclusiveStartKey: start } : {}),
          ...(options.pageLimit === undefined ? {} : { Limit: options.pageLimit }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    yield {
      states: (page.Items ?? []).map((item) => storedState(item).state),
      scannedItems: page.ScannedCount ?? 0,
      readUnits: page.ConsumedCapacity?.CapacityUnits ?? 0,
    };
    start = page.LastEvaluatedKey;
  } while (start);
}
