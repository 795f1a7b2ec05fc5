import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../../../functions/core/events/index.ts';
import { type ImportBatch, importBatch } from '../../../../functions/core/import/profiles/batch.ts';
import {
  csvRows,
  importProfileRows,
  jsonLinesRows,
  resolveColumnMap,
} from '../../../../functions/core/import/profiles/index.ts';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/import/pinpoint-endpoints.jsonl');
const AT = '2026-11-01T00:00:00Z';

/** A publisher that keeps what it is given. */
function recorder() {
  const published: CustomerEvent[] = [];
  return { published, publish: async (events: readonly CustomerEvent[]) => void published.push(...events) };
}

/**
 * The items a Distributed Map's JSONL reader hands over: each line parsed, with its index among the lines. A line
 * that is not JSON is left out here (Step Functions' reader does not hand it to the function).
 */
function jsonlItems(text: string): ImportBatch['Items'] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.flatMap((line, index) => {
    try {
      return [{ index, value: JSON.parse(line) }];
    } catch {
      return [];
    }
  });
}

describe('a batch of rows from the import Distributed Map', () => {
  it('publishes the same events, ids included, as the local import of the same file', async () => {
    // Prepare
    const text = readFileSync(FIXTURE, 'utf8');
    const local: CustomerEvent[] = [];
    await importProfileRows(
      jsonLinesRows(text),
      { format: 'pinpoint', file: 'pinpoint-endpoints.jsonl', importedAt: AT, list: 'vip' },
      (event) => void local.push(event),
    );
    const events = recorder();
    const request = {
      bucket: 'b',
      key: 'imports/pinpoint/pinpoint-endpoints.jsonl',
      format: 'pinpoint' as const,
      importedAt: AT,
      list: 'vip',
    };

    // Act
    const summary = await importBatch({ BatchInput: { request }, Items: jsonlItems(text) }, events);

    // Assess
    expect(events.published).toEqual(local);
    // The reader of this test drops the malformed line, as Step Functions' reader would fail on it.
    expect(summary).toMatchObject({
      rows: 9,
      imported: 6,
      skipped: { 'bad-row': 1, 'unsupported-channel': 1, 'inactive-endpoint': 1 },
    });
    expect(summary.examples.map((e) => `${e.row} ${e.line} ${e.field}`)).toEqual([
      '7 7 ChannelType',
      '9 9 EndpointStatus',
      '10 10 Address',
    ]);
  });

  it('resolves the CSV map against the header the items carry, as the CLI does against the file', async () => {
    // Prepare
    const csv = 'Ref,email,Plan\nc1,ana@example.com,pro\nc2,bo@example.com,free\n';
    const local: CustomerEvent[] = [];
    let header: readonly string[] = [];
    await importProfileRows(
      csvRows(csv, (h) => {
        header = h;
      }),
      () => {
        const resolved = resolveColumnMap({ userId: 'Ref' }, header);
        if (!resolved.ok) throw new Error(resolved.problems.join());
        return { format: 'csv', file: 'crm.csv', importedAt: AT, columns: resolved.map };
      },
      (event) => void local.push(event),
    );
    const events = recorder();
    const Items = [
      { index: 0, value: { Ref: 'c1', email: 'ana@example.com', Plan: 'pro' } },
      { index: 1, value: { Ref: 'c2', email: 'bo@example.com', Plan: 'free' } },
    ];

    // Act
    await importBatch(
      {
        BatchInput: {
          request: { bucket: 'b', key: 'crm.csv', format: 'csv', importedAt: AT, map: { userId: 'Ref' } },
        },
        Items,
      },
      events,
    );

    // Assess
    expect(events.published).toEqual(local);
    expect(local.map((e) => e.detail.userId)).toEqual(['c1', 'c2']);
  });

  it('fails the batch, saying why, when the map does not fit the header', async () => {
    const request = {
      bucket: 'b',
      key: 'crm.csv',
      format: 'csv' as const,
      importedAt: AT,
      map: { userId: 'Customer' },
    };
    await expect(
      importBatch({ BatchInput: { request }, Items: [{ index: 0, value: { id: 'c1' } }] }, recorder()),
    ).rejects.toThrow(
      'the map does not fit the header: userId: the file has no column "Customer" (it has id)',
    );
  });
});
