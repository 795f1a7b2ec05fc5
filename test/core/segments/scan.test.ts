import { describe, expect, it } from 'vitest';
import {
  memberFileKey,
  SCAN_SEGMENTS,
  SegmentScanRequest,
  totalSegmentsFor,
} from '../../../functions/core/segments/scan.ts';

describe('the segment scan request', () => {
  it('cuts a table into one Segment per 100,000 items, at least one and at most 1,000', () => {
    // Act & Assess
    expect([0, 1, 100_000, 100_001, 1_000_000, 99_999_999, 500_000_000].map(totalSegmentsFor)).toEqual([
      1, 1, 1, 2, 10, 1_000, 1_000,
    ]);
    expect(SCAN_SEGMENTS.max).toBe(1_000);
  });

  it('names one member file per Segment, so a rerun of a Segment writes the same file', () => {
    expect(memberFileKey('segment-scans/vip/run-1', 7)).toBe('segment-scans/vip/run-1/00007.jsonl');
    expect(memberFileKey('p', 999)).toBe('p/00999.jsonl');
  });

  it('refuses a request with no Segments, too many, or a time that is not ISO-8601', () => {
    // Prepare
    const request = {
      segment: 'vip',
      at: '2026-11-01T00:00:00Z',
      totalSegments: 3,
      bucket: 'b',
      prefix: 'p',
    };

    // Act & Assess
    expect(SegmentScanRequest.safeParse(request).success).toBe(true);
    expect(SegmentScanRequest.safeParse({ ...request, totalSegments: 0 }).success).toBe(false);
    expect(SegmentScanRequest.safeParse({ ...request, totalSegments: 1_001 }).success).toBe(false);
    expect(SegmentScanRequest.safeParse({ ...request, at: 'yesterday' }).success).toBe(false);
    expect(SegmentScanRequest.safeParse({ ...request, extra: 1 }).success).toBe(false);
  });
});
