import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownField, protoFieldPaths, setField } from '../../../functions/core/collections/own-field.ts';

/** Plain data whose field names include those an assignment or a read would take for the prototype's. */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('__proto__', 'toString', 'a', 'b'), tie('value'), {
      maxKeys: 4,
      noNullPrototype: true,
    }),
  ),
})).value;

/** A copy made field by field with setField, as every place that copies someone's data does. */
function copyWithSetField(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyWithSetField);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) setField(copy, key, copyWithSetField(inner));
  return copy;
}

describe('setField', () => {
  it('makes a field named __proto__ an own field, leaving the prototype alone', () => {
    // Prepare
    const target: Record<string, unknown> = {};

    // Act
    setField(target, '__proto__', { polluted: true });
    setField(target, 'plain', 1);

    // Assess
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__', 'plain']);
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true},"plain":1}');
  });

  it('copies any plain data, fields named __proto__ included, as JSON reads it back', () => {
    fc.assert(
      fc.property(data, (value) => {
        // Prepare
        const expected = JSON.parse(JSON.stringify(value));

        // Act
        const copy = copyWithSetField(value);

        // Assess
        expect(copy).toStrictEqual(expected);
        expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ownField', () => {
  it('reads nothing under __proto__ when the object has no such field of its own', () => {
    // Prepare
    const plain: Record<string, unknown> = { a: 1 };
    const parsed: Record<string, unknown> = JSON.parse('{"__proto__": 2}');

    // Act
    const [missing, own] = [ownField(plain, '__proto__'), ownField(parsed, '__proto__')];

    // Assess
    expect(missing).toBeUndefined();
    expect(own).toBe(2);
  });
});

describe('protoFieldPaths', () => {
  it('names every own field called __proto__, at any depth, arrays included', () => {
    // Prepare
    const value: unknown = JSON.parse(
      '{"a": [{"__proto__": {"__proto__": 1}}], "b": {"c": 1}, "__proto__": 0}',
    );

    // Act
    const paths = protoFieldPaths(value, ['detail']);

    // Assess
    expect(paths).toEqual([
      ['detail', '__proto__'],
      ['detail', 'a', 0, '__proto__'],
      ['detail', 'a', 0, '__proto__', '__proto__'],
    ]);
  });

  it('finds one exactly where JSON text holds the key', () => {
    fc.assert(
      fc.property(data, (value) => {
        // Prepare
        const text = JSON.stringify(value);

        // Act
        const paths = protoFieldPaths(JSON.parse(text));

        // Assess
        expect(paths.length > 0).toBe(text.includes('"__proto__":'));
      }),
      { numRuns: 300 },
    );
  });
});
