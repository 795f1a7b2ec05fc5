import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenJson, NOT_PLAIN } from '../../../functions/core/collections/frozen-json.ts';

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('frozenJson', () => {
  it('gives back a value JSON keeps as it is, itself, frozen all the way down', () => {
    // Prepare
    const value = { a: [1, 'two', { three: true }], b: null, c: { d: -1.5 } };

    // Act
    const made = frozenJson(value);

    // Assess
    expect(made).toBe(value);
    expect(Object.isFrozen(value.a[2])).toBe(true);
    expect(() => {
      (value.c as { d: number }).d = 2;
    }).toThrow(TypeError);
  });

  it('copies only the objects holding what JSON changes, and shares the rest', () => {
    // Prepare
    const kept = { ok: [1, 2] };
    const value = { kept, changed: { zero: -0, gone: undefined, items: [undefined, Number.NaN] } };
    const expected = viaJson(value);

    // Act
    const made = frozenJson(value);

    // Assess
    expect(made).toStrictEqual(expected);
    expect(made).not.toBe(value);
    expect(made !== NOT_PLAIN && made.kept).toBe(kept);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(made)).toBe(true);
    expect(Object.isFrozen(value.changed)).toBe(false);
  });

  it('keeps a field named __proto__ as a field of the copy, as JSON.parse does', () => {
    // Prepare
    const value = JSON.parse('{"__proto__": [1], "zero": 0}') as Record<string, unknown>;
    value.zero = -0;
    const expected = viaJson(value);

    // Act
    const made = frozenJson(value);

    // Assess
    expect(made).toStrictEqual(expected);
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.keys(made as object)).toEqual(['__proto__', 'zero']);
  });

  it('is what JSON gives back, for any plain data with -0, NaN, infinities and undefined in it', () => {
    const leaf = fc.oneof(
      fc.double(),
      fc.constantFrom(-0, undefined, null, Number.POSITIVE_INFINITY),
      fc.string(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(fc.object({ values: [leaf], maxDepth: 4 }), (value) => {
        // Prepare
        const expected = viaJson(value);

        // Act
        const made = frozenJson(value);

        // Assess
        expect(made).toStrictEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a Date', { at: new Date(0) }],
    ['a toJSON method', { toJSON: () => 'x' }],
    ['a Map', { map: new Map() }],
    ['an object without a prototype', { bare: Object.create(null) }],
    ['a bigint', { big: 1n }],
  ])('leaves %s to JSON itself', (_, value) => {
    // Act
    const made = frozenJson(value);

    // Assess
    expect(made).toBe(NOT_PLAIN);
  });
});
