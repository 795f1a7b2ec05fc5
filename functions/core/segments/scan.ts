import * as z from 'zod';

/**
 * How a table is cut: one Segment per 100,000 items of DescribeTable's ItemCount (every item: states, timers,
 * ledger), so a worker reads about 100 MB at 1 KB an item, well within its timeout; at least 1, at most 1,000.
 */
export const SCAN_SEGMENTS = { itemsPerSegment: 100_000, max: 1_000 } as const;

/**
 * What the segment scan (infra/lib/segment-scan.ts) is started with, by `cairn segments estimate|export ID
 * --env ENV`: the segment, the time of the evaluation, how many Segments the parallel Scan is cut into, and
 * where the members go. Each worker gets it beside its Segment number.
 */
export const SegmentScanRequest = z.lazy(() =>
  z.strictObject({
    segment: z.string().min(1),
    /** The time of the evaluation, ISO-8601: as `--as-of` locally. */
    at: z.iso.datetime({ offset: true }),
    /** DynamoDB's TotalSegments: at least 1, at most SCAN_SEGMENTS.max. */
    totalSegments: z.number().int().min(1).max(SCAN_SEGMENTS.max),
    bucket: z.string().min(1),
    /** The run's folder: each Segment writes `<prefix>/<segment, 5 digits>.jsonl`. */
    prefix: z.string().min(1),
  }),
);
export type SegmentScanRequest = z.infer<typeof SegmentScanRequest>;

export function totalSegmentsFor(itemCount: number): number {
  return Math.min(SCAN_SEGMENTS.max, Math.max(1, Math.ceil(itemCount / SCAN_SEGMENTS.itemsPerSegment)));
}

/** The member file of one Segment; a rerun of the Segment writes the same key again. */
export function memberFileKey(prefix: string, segment: number): string {
  return `${prefix}/${segment.toString().padStart(5, '0')}.jsonl`;
}

/** What one worker returns for its Segments; the CLI sums them from the run's results. */
export const SegmentScanResult = z.lazy(() =>
  z.object({
    scannedItems: z.number().int().nonnegative(),
    customers: z.number().int().nonnegative(),
    members: z.number().int().nonnegative(),
    readUnits: z.number().nonnegative(),
    files: z.array(z.string()),
  }),
);
export type SegmentScanResult = z.infer<typeof SegmentScanResult>;
