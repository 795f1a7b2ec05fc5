/**
 * `cairn segments estimate|export ID --table NAME`: the customer states of a table read from this machine, for
 * the local stack's dynalite (`AWS_ENDPOINT_URL_DYNAMODB`, as `npm start -- --serve` prints it) or a small
 * table. One Scan, in one Segment, through the adapter the segment scan's worker uses; a table of millions is
 * the segment scan's work (`--env ENV`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanStates } from '../../adapters/dynamodb/state-scan.ts';
import type { CustomerState } from '../../core/engine/state.ts';

export async function statesOfTable(tableName: string, region: string | undefined): Promise<CustomerState[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(region === undefined ? {} : { region }));
  const states: CustomerState[] = [];
  try {
    for await (const page of scanStates({ client, tableName }, { segment: 0, totalSegments: 1 }))
      states.push(...page.states);
  } finally {
    client.destroy();
  }
  return states;
}
