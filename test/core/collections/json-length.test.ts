import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLength } from '../../../functions/core/collections/json-length.ts';

/** Any value JSON.stringify writes, with the members it leaves out (undefined) and odd strings and numbers. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(tie('value'), fc.constant(undefined)), {
      maxKeys: 4,
    }),
  ),
})).value;
const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), anyValue, { maxKeys: 4 });
/** A record of records, as a state holds its profile. */
const nested = fc.dictionary(fc.constantFrom('p', 'q', 'r'), fc.oneof(record, anyValue), { maxKeys: 3 });

/** `earlier` with some members kept as they are (the same objects), others replaced, some nested ones too. */
function derived(
  earlier: Record<string, unknown>,
  replacements: Record<string, unknown>,
  deep: Record<string, unknown>,
) {
  const next: Record<string, unknown> = { ...earlier, ...replacements };
  for (const [key, member] of Object.entries(earlier))
    if (typeof member === 'object' && member !== null && !Array.isArray(member) && key in deep)
      next[key] = { ...member, ...deep };
  return next;
}

describe('jsonLength', () => {
  it('is the length of JSON.stringify for any value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        // Prepare
        const expected = JSON.stringify(value)?.length ?? 0;

        // Act
        const length = jsonLength(value);

        // Assess
        expect(length).toBe(expected);
      }),
    );
  });

  it('is the length of JSON.stringify beside an earlier value that shares some of its parts', () => {
    fc.assert(
      fc.property(nested, nested, record, (earlier, replacements, deep) => {
        // Prepare
        jsonLength(earlier);
        const next = derived(earlier, replacements, deep);
        const after = derived(next, {}, { e: 'changed in place? no: replaced' });

        // Act
        const lengths = [jsonLength(next, earlier), jsonLength(after, next), jsonLength(after, earlier)];

        // Assess
        expect(lengths).toEqual([
          JSON.stringify(next).length,
          JSON.stringify(after).length,
          JSON.stringify(after).length,
        ]);
      }),
    );
  });

  it('writes what a Date and escaped characters write', () => {
    // Prepare
    const value = {
      at: new Date(0),
      text: 'line\nbreak "quoted" \\ \u2028 \ud83d\ude00 \ud800',
      gone: undefined,
    };

    // Act
    const length = jsonLength(value);

    // Assess
    expect(length).toBe(JSON.stringify(value).length);
  });
});
