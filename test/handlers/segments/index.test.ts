import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import { generateEvents } from '../../../functions/core/generate/generate.ts';
import { Population } from '../../../functions/core/lifecycle/population.ts';
import type { RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { batchMembers, memberRow } from '../../../functions/core/segments/batch.ts';
import type { SegmentScanRequest } from '../../../functions/core/segments/scan.ts';
import { segmentScanHandler } from '../../../functions/handlers/segments/index.ts';
import { SegmentScanEnvironment } from '../../../functions/handlers/segments/wiring.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { captureMetrics } from '../capture-metrics.ts';
import { lambdaContext, sampleConfig } from '../support.ts';

const AT = '2026-03-01T00:00:00Z';
const s3 = mockClient(S3Client);
let dynamo: LocalDynamo;
let tableName: string;
let config: RuntimeConfig;
let states: CustomerState[];

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await dynamo.createTable();
  config = await sampleConfig();
  // 300 generated customers folded by the engine, as `cairn segments estimate --events` folds them.
  const population = new Population(config.lifecycle, 'UTC', config.catalog);
  for (const event of generateEvents({ users: 300, days: 60, seed: 7, start: '2026-01-01' }))
    population.add(event);
  states = population.customers();
  const store = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
  for (const state of states) await store.save(state, undefined);
  // Items of other kinds in the same table, which the Scan reads and the worker must skip.
  await dynamo.documents.send(
    new PutCommand({ TableName: tableName, Item: { pk: 'DUE#2026-03-01T00#0', sk: 'a-timer', t: 'x' } }),
  );
}, 60_000);
afterAll(async () => {
  await dynamo.stop();
});
afterEach(() => s3.reset());

/** What the worker's wiring reads of the configuration: the segments and the lifecycle. */
const scanConfig = () => ({ segments: config.catalog.segments, lifecycle: config.lifecycle });

const request = (segment: string, totalSegments: number): SegmentScanRequest => ({
  segment,
  at: AT,
  totalSegments,
  bucket: 'cairn-dev-imports-111111111111-eu-west-1',
  prefix: `segment-scans/${segment}/run-1`,
});

/** What the worker wrote, by key, as JSON lines parsed. */
function written(): Map<string, unknown[]> {
  const files = new Map<string, unknown[]>();
  for (const call of s3.commandCalls(PutObjectCommand)) {
    const { Key, Body } = call.args[0].input;
    const lines = String(Body).split('\n').filter(Boolean);
    files.set(
      Key ?? '',
      lines.map((l) => JSON.parse(l)),
    );
  }
  return files;
}

describe('the segment scan function', () => {
  it.each(['frequent-buyers', 'recent-buyers'])(
    'finds, over 4 Segments of a parallel Scan, exactly the members the local batch evaluation finds (%s)',
    async (segment) => {
      // Prepare
      s3.on(PutObjectCommand).resolves({});
      const handler = segmentScanHandler(
        async () => ({
          table: { client: dynamo.documents, tableName },
          s3: new S3Client({}),
          config: scanConfig(),
        }),
        observability('segments'),
      );
      const metrics = captureMetrics();
      const expected = batchMembers(
        states,
        config.catalog.segments,
        segment,
        Date.parse(AT),
        config.lifecycle,
      )
        .map(memberRow)
        .sort((a, b) => a.userId.localeCompare(b.userId));

      // Act: one batch per Segment, as the Distributed Map hands them out.
      const results = [];
      for (const index of [0, 1, 2, 3])
        results.push(
          await handler(
            { BatchInput: { request: request(segment, 4) }, Items: [{ index, value: index }] },
            lambdaContext,
          ),
        );
      metrics.stop();

      // Assess
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(states.length);
      const files = written();
      expect([...files.keys()].sort()).toEqual(
        [0, 1, 2, 3].map((n) => `segment-scans/${segment}/run-1/0000${n}.jsonl`),
      );
      const rows = [...files.values()].flat();
      expect(rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
        [...expected].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
      expect(results.reduce((n, r) => n + r.members, 0)).toBe(expected.length);
      expect(results.reduce((n, r) => n + r.customers, 0)).toBe(states.length);
      // The timer item is read (and billed) but is no customer.
      expect(results.reduce((n, r) => n + r.scannedItems, 0)).toBe(states.length + 1);
      expect(results.every((r) => r.customers < states.length)).toBe(true);
      expect(metrics.total('SegmentMembers')).toBe(expected.length);
    },
  );

  it('says which segments are deployed when asked for another, and refuses a Segment out of range', async () => {
    const handler = segmentScanHandler(
      async () => ({
        table: { client: dynamo.documents, tableName },
        s3: new S3Client({}),
        config: scanConfig(),
      }),
      observability('segments'),
    );
    await expect(
      handler(
        { BatchInput: { request: request('frequent-buyer', 1) }, Items: [{ index: 0, value: 0 }] },
        lambdaContext,
      ),
    ).rejects.toThrow(/unknown segment "frequent-buyer": the deployed segments are .*frequent-buyers/);
    await expect(
      handler({ BatchInput: { request: request('vip', 2) }, Items: [{ index: 2, value: 2 }] }, lambdaContext),
    ).rejects.toThrow('Segment 2 is not below TotalSegments 2');
    await expect(handler({ Items: [] }, lambdaContext)).rejects.toThrow();
  });

  it('reads the table and its configuration from its environment, and no queue nor zone', () => {
    // Memberships count elapsed days and UTC-day windows (core/segments/evaluate.ts): they read no zone.
    expect(Object.keys(SegmentScanEnvironment.unwrap().shape).sort()).toEqual([
      'CAIRN_CONFIG_DIR',
      'CAIRN_ENVIRONMENT',
      'CAIRN_TABLE_NAME',
    ]);
  });
});
