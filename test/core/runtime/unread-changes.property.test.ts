import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJson } from '../../../functions/core/runtime/unread-changes.ts';

/**
 * The comparison as it was written first (entries filtered into a Map), kept here as the reference the
 * allocation-free one must agree with.
 */
function referenceSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => referenceSameJson(item, b[index]));
  }
  const kept = ([, value]: [string, unknown]) => value !== undefined;
  const left = Object.entries(a).filter(kept);
  const right = new Map(Object.entries(b).filter(kept));
  if (left.length !== right.size) return false;
  return left.every(([key, value]) => right.has(key) && referenceSameJson(value, right.get(key)));
}

/** Few keys, so that two objects often share them; undefined values, which count as absent keys. */
const key = fc.constantFrom('a', 'b', 'c', 'lastSeenAt', '__proto__', '0');
const leaf = fc.oneof(fc.constantFrom(0, 1, 'x', '', true, null, undefined), fc.integer({ min: -2, max: 2 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));

/** A value and a second one made from it: equal most of the time, or with one leaf or key changed. */
const pair = fc.tuple(value, fc.boolean(), leaf).map(([first, same, other]) => {
  const second: unknown = same ? structuredClone(first) : mutated(structuredClone(first), other);
  return [first, second] as const;
});

/** `value` with its first object's first key set to `other`, or `other` itself when it holds no object. */
function mutated(value: unknown, other: unknown): unknown {
  if (typeof value !== 'object' || value === null) return other;
  if (Array.isArray(value)) return value.length === 0 ? other : [mutated(value[0], other), ...value.slice(1)];
  const [first] = Object.keys(value);
  if (first === undefined) return other;
  Object.defineProperty(value, first, { value: other, enumerable: true, writable: true, configurable: true });
  return value;
}

describe('sameJson', () => {
  it('agrees with the comparison through entries and a Map, on random values and their near copies', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        // Prepare: a value and its copy, equal or one leaf apart

        // Act
        const same = sameJson(a, b);

        // Assess
        expect(same).toBe(referenceSameJson(a, b));
        expect(sameJson(b, a)).toBe(same);
      }),
    );
  });

  it('agrees with it on unrelated values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        // Prepare: two values drawn apart

        // Act
        const same = sameJson(a, b);

        // Assess
        expect(same).toBe(referenceSameJson(a, b));
      }),
    );
  });

  it('counts an undefined field as an absent one, and a field missing on either side as a difference', () => {
    // Prepare
    const withUndefined = { a: 1, b: undefined };

    // Act, Assess
    expect(sameJson(withUndefined, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, withUndefined)).toBe(true);
    expect(sameJson({ a: 1, c: 2 }, { a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, c: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
  });
});
