import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setField } from '../../../functions/core/collections/own-field.ts';
import { withoutBlanks } from '../../../functions/core/templates/variables.ts';

/** What withoutBlanks did before it handed back the parts with nothing to drop: a copy of everything. */
function copiedWithoutBlanks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copiedWithoutBlanks);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === null || inner === undefined || inner === '') continue;
    setField(out, key, copiedWithoutBlanks(inner));
  }
  return out;
}

const key = fc.constantFrom('a', 'b', 'name', '__proto__', '0');
const leaf = fc.constantFrom(0, 1, 'x', '', true, null, undefined);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    fc.date({ noInvalidDate: true }),
  ),
}));

describe('withoutBlanks', () => {
  it('gives what copying everything gave, field for field and in the same order', () => {
    fc.assert(
      fc.property(value, (variables) => {
        // Act
        const kept = withoutBlanks(variables);

        // Assess: the same fields, values and order (a Date read as its own fields: none)
        expect(Object.entries(kept ?? {})).toEqual(Object.entries(copiedWithoutBlanks(variables) ?? {}));
        expect(JSON.stringify(kept)).toBe(JSON.stringify(copiedWithoutBlanks(variables)));
      }),
    );
  });

  it('hands back a plain object with nothing to drop as it is, and copies one with a blank inside', () => {
    // Prepare
    const clean = { name: 'Ada', traits: { plan: 'pro' }, tags: ['a'] };
    const blank = { name: 'Ada', traits: { plan: 'pro', note: '' } };

    // Act
    const keptClean = withoutBlanks(clean);
    const keptBlank = withoutBlanks(blank);

    // Assess
    expect(keptClean).toBe(clean);
    expect(keptBlank).not.toBe(blank);
    expect(keptBlank).toEqual({ name: 'Ada', traits: { plan: 'pro' } });
    expect(blank.traits.note).toBe('');
  });

  it('copies a Date to a plain object of its own fields, as a template reads any other object', () => {
    // Act
    const kept = withoutBlanks({ at: new Date(0) });

    // Assess
    expect(kept).toEqual({ at: {} });
  });
});
