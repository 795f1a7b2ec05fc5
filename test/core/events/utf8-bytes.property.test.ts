import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Bytes } from '../../../functions/core/events/limits.ts';

const encoder = new TextEncoder();
/** Any UTF-16 text: whole characters of every plane, and halves of surrogate pairs on their own. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 40,
  }),
  fc.constantFrom('', 'a\uD800', '\uDC00a', '\uD83D\uDE00', '\uDE00\uD83D', 'é€😀'),
);

describe('utf8Bytes', () => {
  it('counts the bytes TextEncoder writes, lone surrogates as the replacement character', () => {
    fc.assert(
      fc.property(text, (value) => {
        // Prepare
        const encoded = encoder.encode(value).byteLength;
        // Act
        const counted = utf8Bytes(value);
        // Assess
        expect(counted).toBe(encoded);
      }),
      { numRuns: 2_000 },
    );
  });
});
