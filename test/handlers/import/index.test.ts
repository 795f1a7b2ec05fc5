import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { importHandler } from '../../../functions/handlers/import/index.ts';
import { ImportEnvironment } from '../../../functions/handlers/import/wiring.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { captureMetrics } from '../capture-metrics.ts';
import { lambdaContext } from '../support.ts';

const request = {
  bucket: 'cairn-dev-imports-111111111111-eu-west-1',
  key: 'imports/jsonl/crm.jsonl',
  format: 'jsonl',
  importedAt: '2026-11-01T00:00:00Z',
};

describe('the import function', () => {
  it('publishes a batch of rows as Profile Imported events, returns the summary and counts rows', async () => {
    // Prepare
    const published: CustomerEvent[] = [];
    const handler = importHandler(
      () => ({ publish: async (events) => void published.push(...events) }),
      observability('import'),
    );
    const metrics = captureMetrics();

    // Act
    const summary = await handler(
      {
        BatchInput: { request },
        Items: [
          { index: 0, value: { userId: 'u1', email: 'u1@example.com' } },
          { index: 1, value: { userId: 'u2', emial: 'typo@example.com' } },
        ],
      },
      lambdaContext,
    );
    metrics.stop();

    // Assess
    expect(published.map((e) => [e.detail.userId, e['detail-type'], e.detail.eventId])).toEqual([
      ['u1', 'Profile Imported', expect.stringMatching(/^crm\.jsonl#1:[0-9a-f]{16}$/)],
    ]);
    expect(summary).toMatchObject({ rows: 2, imported: 1, skipped: { 'bad-row': 1 } });
    expect(summary.examples[0]).toMatchObject({ row: 2, line: 2, field: '(line)' });
    expect(summary.examples[0]?.reason).toContain('emial');
    expect(metrics.total('ImportedRows')).toBe(1);
    expect(metrics.total('SkippedRows')).toBe(1);
  });

  it('refuses input that is not a batch of the import map', async () => {
    const handler = importHandler(() => ({ publish: async () => {} }), observability('import'));
    await expect(handler({ Items: [] }, lambdaContext)).rejects.toThrow();
  });

  it('reads only the ingest queue from its environment', () => {
    expect(Object.keys(ImportEnvironment.unwrap().shape)).toEqual(['CAIRN_INGEST_QUEUE_URL']);
  });
});
