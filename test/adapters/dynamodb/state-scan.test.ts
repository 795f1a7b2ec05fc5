import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { type ScanPage, scanStates } from '../../../functions/adapters/dynamodb/state-scan.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
let tableName: string;
const USERS = Array.from({ length: 25 }, (_, i) => `user-${i.toString().padStart(2, '0')}`);

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await dynamo.createTable();
  const store = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
  for (const userId of USERS)
    await store.save(
      {
        ...newCustomerState(userId),
        profile: { ...newCustomerState(userId).profile, email: `${userId}@example.com` },
      },
      undefined,
    );
  for (const n of [1, 2, 3])
    await dynamo.documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: `DUE#${n}`, sk: `t${n}` } }),
    );
});
afterAll(async () => {
  await dynamo.stop();
});

async function pagesOf(segment: number, totalSegments: number, pageLimit?: number): Promise<ScanPage[]> {
  const pages: ScanPage[] = [];
  const options = { client: dynamo.documents, tableName, ...(pageLimit === undefined ? {} : { pageLimit }) };
  for await (const page of scanStates(options, { segment, totalSegments })) pages.push(page);
  return pages;
}

describe('scanStates', () => {
  it('reads every customer state once across the Segments, page after page, and skips other items', async () => {
    // Act
    const segments = [await pagesOf(0, 3, 4), await pagesOf(1, 3, 4), await pagesOf(2, 3, 4)];

    // Assess
    const users = segments.flat().flatMap((page) => page.states.map((s) => s.userId));
    expect(users.sort()).toEqual(USERS);
    expect(segments.flat().length).toBeGreaterThan(3);
    expect(segments.flat().reduce((n, page) => n + page.scannedItems, 0)).toBe(USERS.length + 3);
    expect(
      segments
        .flat()
        .flatMap((p) => p.states)
        .find((s) => s.userId === 'user-07')?.profile.email,
    ).toBe('user-07@example.com');
  });

  it('refuses an item that is not a stored state', async () => {
    // Prepare
    const broken = await dynamo.createTable();
    await dynamo.documents.send(
      new PutCommand({ TableName: broken, Item: { pk: 'USER#x', sk: 'STATE', v: 1, s: 'not bytes' } }),
    );

    // Act & Assess
    const read = async () => {
      for await (const _ of scanStates(
        { client: dynamo.documents, tableName: broken },
        { segment: 0, totalSegments: 1 },
      ));
    };
    await expect(read()).rejects.toThrow();
  });
});
