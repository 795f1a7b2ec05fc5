import * as z from 'zod';
import { batchMembers, memberRow } from '../../core/segments/batch.ts';
import { memberFileKey, SegmentScanRequest, type SegmentScanResult } from '../../core/segments/scan.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import type { SegmentScanPorts } from './wiring.ts';

/** A batch of the segment scan's Distributed Map (infra/lib/segment-scan.ts): Segment numbers of the Scan. */
export const SegmentScanBatch = z.lazy(() =>
  z.object({
    BatchInput: z.object({ request: SegmentScanRequest }),
    Items: z.array(z.object({ index: z.number().int(), value: z.number().int().nonnegative() })).min(1),
  }),
);

/**
 * The segment scan's worker: for each Segment of its batch, reads that Segment of a parallel Scan of the table,
 * evaluates every customer state with the one evaluator (`batchMembers`, as `cairn segments estimate` does
 * locally), and writes the members as JSON Lines to `<prefix>/<segment>.jsonl`. A rerun writes the same file
 * again, so the state machine's retries are harmless. No instance reads more than its Segments.
 */
export function segmentScanHandler(
  ports: () => Promise<SegmentScanPorts>,
  obs: Observability = observability('segments'),
) {
  return withObservability(async (input: unknown): Promise<SegmentScanResult> => {
    const { BatchInput, Items } = SegmentScanBatch.parse(input);
    const { request } = BatchInput;
    const { table, s3, config } = await ports();
    // The AWS code, as the clients of the wiring, is loaded on the first batch, not at the cold start's import.
    const [{ PutObjectCommand }, { scanStates }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../adapters/dynamodb/state-scan.ts'),
    ]);
    const catalog = config.segments;
    const known = catalog.definitions.map((s) => s.id);
    if (!known.includes(request.segment))
      throw new Error(
        `unknown segment "${request.segment}": the deployed segments are ${known.join(', ') || '(none)'}`,
      );
    const at = Date.parse(request.at);
    const result: SegmentScanResult = { scannedItems: 0, customers: 0, members: 0, readUnits: 0, files: [] };
    for (const { value: segment } of Items) {
      if (segment >= request.totalSegments)
        throw new Error(`Segment ${segment} is not below TotalSegments ${request.totalSegments}`);
      const lines: string[] = [];
      for await (const page of scanStates(table, { segment, totalSegments: request.totalSegments })) {
        const members = batchMembers(page.states, catalog, request.segment, at, config.lifecycle);
        for (const member of members) lines.push(JSON.stringify(memberRow(member)));
        result.scannedItems += page.scannedItems;
        result.customers += page.states.length;
        result.readUnits += page.readUnits;
      }
      const key = memberFileKey(request.prefix, segment);
      await s3.send(
        new PutObjectCommand({
          Bucket: request.bucket,
          Key: key,
          Body: lines.length > 0 ? `${lines.join('\n')}\n` : '',
          ContentType: 'application/x-ndjson',
        }),
      );
      result.members += lines.length;
      result.files.push(key);
    }
    count(obs.metrics, 'ScannedCustomers', result.customers);
    count(obs.metrics, 'SegmentMembers', result.members);
    return result;
  }, obs);
}

/** The clients and the configuration, and their code, are loaded on the first batch, not at the import. */
export const handler = segmentScanHandler(once(async () => (await import('./wiring.ts')).wireSegmentScan()));
