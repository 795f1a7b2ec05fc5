import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  matchesPattern,
  matchesPlainObject,
  testEventPattern,
} from '../../../functions/core/patterns/index.ts';

/** Properties that hold for every input, checked on generated patterns and events. */

const text = fc.string({ maxLength: 8 });
const scalar = fc.oneof(text, fc.integer({ min: -1000, max: 1000 }), fc.boolean(), fc.constant(null));

/** A small leaf condition on one of a few fields. */
const leafCondition = fc.oneof(
  scalar.map((v) => [v]),
  text.map((v) => [{ prefix: v }]),
  text.map((v) => [{ 'anything-but': v }]),
  fc.integer({ min: -100, max: 100 }).map((v) => [{ numeric: ['>', v] }]),
  fc.boolean().map((v) => [{ exists: v }]),
);
const field = fc.constantFrom('a', 'b', 'c');
const simplePattern = fc.dictionary(field, leafCondition, { minKeys: 1, maxKeys: 3 });
const event = fc.dictionary(field, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 3 });

describe('pattern properties', () => {
  it('anything-but [x] is the negation of [x] on a present string field', () => {
    fc.assert(
      fc.property(text, text, (x, value) => {
        const plain = testEventPattern({ f: [x] }, { f: value });
        const negated = testEventPattern({ f: [{ 'anything-but': [x] }] }, { f: value });
        const single = testEventPattern({ f: [{ 'anything-but': x }] }, { f: value });
        expect(negated).toBe(!plain);
        expect(single).toBe(!plain);
      }),
    );
  });

  it('anything-but [n] is the negation of [n] on a present number field', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (n, value) => {
        expect(testEventPattern({ f: [{ 'anything-but': [n] }] }, { f: value })).toBe(
          !testEventPattern({ f: [n] }, { f: value }),
        );
      }),
    );
  });

  it('$or of p and q matches exactly when p or q matches', () => {
    fc.assert(
      fc.property(simplePattern, simplePattern, event, (p, q, e) => {
        expect(testEventPattern({ $or: [p, q] }, e)).toBe(testEventPattern(p, e) || testEventPattern(q, e));
      }),
    );
  });

  it('a list matches exactly when one of its values matches on its own', () => {
    fc.assert(
      fc.property(leafCondition, leafCondition, event, (x, y, e) => {
        expect(testEventPattern({ a: [...x, ...y] }, e)).toBe(
          testEventPattern({ a: x }, e) || testEventPattern({ a: y }, e),
        );
      }),
    );
  });

  it('prefix and suffix agree with startsWith and endsWith', () => {
    fc.assert(
      fc.property(text, text, (affix, value) => {
        expect(testEventPattern({ f: [{ prefix: affix }] }, { f: value })).toBe(value.startsWith(affix));
        expect(testEventPattern({ f: [{ suffix: affix }] }, { f: value })).toBe(value.endsWith(affix));
      }),
    );
  });

  it('a wildcard without * is an exact match, and *x* is "contains"', () => {
    const plain = fc.string({ maxLength: 8 }).filter((s) => !s.includes('*') && !s.includes('\\'));
    fc.assert(
      fc.property(plain, plain, (w, value) => {
        expect(testEventPattern({ f: [{ wildcard: w }] }, { f: value })).toBe(value === w);
        const contains = w === '' ? '*' : `*${w}*`;
        expect(testEventPattern({ f: [{ wildcard: contains }] }, { f: value })).toBe(value.includes(w));
      }),
    );
  });

  it('numeric ["<", n] is the negation of [">=", n] for numbers in range', () => {
    const amount = fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => n / 1000);
    fc.assert(
      fc.property(amount, amount, (n, value) => {
        const below = testEventPattern({ f: [{ numeric: ['<', n] }] }, { f: value });
        const atLeast = testEventPattern({ f: [{ numeric: ['>=', n] }] }, { f: value });
        expect(below).toBe(!atLeast);
        expect(below).toBe(value < n);
      }),
    );
  });

  it('never throws on arbitrary JSON patterns and events, and compiles deterministically', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (pattern, anyEvent) => {
        const first = compilePattern(pattern);
        expect(compilePattern(pattern).ok).toBe(first.ok);
        if (first.ok) expect(typeof matchesPattern(first.pattern, anyEvent)).toBe('boolean');
        else expect(first.problems.length).toBeGreaterThan(0);
      }),
    );
  });
  it('an object whose own names hold no dot matches as matchesPattern matches it, nested dotted names and $or too', () => {
    const dottedField = fc.constantFrom('a', 'b', 'a.b', 'b.c');
    const nested = fc.dictionary(fc.constantFrom('b', 'c', 'b.c'), fc.oneof(scalar, fc.array(scalar)), {
      maxKeys: 3,
    });
    const plainObject = fc.dictionary(field, fc.oneof(scalar, nested, fc.array(nested, { maxLength: 2 })), {
      maxKeys: 3,
    });
    const dottedPattern = fc.dictionary(dottedField, leafCondition, { minKeys: 1, maxKeys: 3 });
    const withOr = fc.oneof(
      dottedPattern,
      fc.tuple(dottedPattern, dottedPattern).map(([p, q]) => ({ $or: [p, q] })),
    );
    fc.assert(
      fc.property(withOr, plainObject, (pattern, object) => {
        // Prepare
        const compiled = compilePattern(pattern);
        fc.pre(compiled.ok);
        if (!compiled.ok) return;

        // Act
        const plain = matchesPlainObject(compiled.pattern, object);

        // Assess
        expect(plain).toBe(matchesPattern(compiled.pattern, object));
      }),
    );
  });

  it('a dotted name matches as the nested fields it names, fields named __proto__ among them', () => {
    const name = fc.constantFrom('a', 'b', '__proto__');
    fc.assert(
      fc.property(name, name, leafCondition, scalar, (head, tail, condition, value) => {
        // Prepare: built as JSON.parse builds them, so that __proto__ is an own field.
        const pattern = JSON.parse(`{"${head}":{"${tail}":${JSON.stringify(condition)}}}`);
        const nested = JSON.parse(`{"${head}":{"${tail}":${JSON.stringify(value)}}}`);
        const dotted = JSON.parse(`{"${head}.${tail}":${JSON.stringify(value)}}`);

        // Act
        const [onDotted, onNested] = [dotted, nested].map((event) => testEventPattern(pattern, event));

        // Assess
        expect(onDotted).toBe(onNested);
      }),
    );
  });
});
