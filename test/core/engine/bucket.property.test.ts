import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, fingerprint } from '../../../functions/core/engine/bucket.ts';

/** The fingerprint as it was defined: two bucketOf walks, the second over the key with `~` put before it. */
function twoWalks(key: string): number {
  const high = Math.floor(bucketOf(key) * 0x20_0000);
  const low = Math.floor(bucketOf(`~${key}`) * 0x1_0000_0000);
  return high * 0x1_0000_0000 + low;
}

describe('fingerprint', () => {
  it('is the two bucketOf walks of the key and of ~key, for any text', () => {
    // Prepare: keys as inputs make them, and any UTF-16 text (lone surrogates included).
    const key = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.uuid().map((id) => `id:${id}`),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `eventId:${a}:${b}`),
    );
    fc.assert(
      fc.property(key, (text) => {
        // Act and assess
        expect(fingerprint(text)).toBe(twoWalks(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps the values stored fingerprints were made with', () => {
    // Prepare: fingerprints of the older definition are stored in customers' `seen` and ended enrollments.
    const keys = [
      '',
      '~',
      'id:8b8267e0-3a18-4ba8-b1fc-ead42ce57871',
      'eventId:com.example.shop:usr_007544-1',
    ];
    // Act
    const prints = keys.map(fingerprint);
    // Assess: the values the two-walk definition gave at 29e10ea.
    expect(prints).toEqual([6025115959946892, 5647905633842579, 3571884146970356, 4681288338494184]);
  });
});
