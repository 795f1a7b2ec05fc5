import { describe, expect, it } from 'vitest';
import { freezeIfJsonValue } from '../../../functions/core/collections/frozen-json.ts';

describe('freezeIfJsonValue', () => {
  it('freezes a value that JSON gives back as it is, all the way down', () => {
    // Prepare
    const value = { a: [1, 'two', { three: true }], b: null, c: { d: -1.5 } };

    // Act
    const frozen = freezeIfJsonValue(value);

    // Assess
    expect(frozen).toBe(true);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a[2])).toBe(true);
    expect(Object.isFrozen(value.c)).toBe(true);
    expect(() => {
      (value.c as { d: number }).d = 2;
    }).toThrow(TypeError);
  });

  it.each([
    ['a -0, which JSON writes as 0', { refund: -0 }],
    ['an undefined field, which JSON drops', { name: undefined }],
    ['an undefined array item, which JSON writes as null', [1, undefined]],
    ['NaN, which JSON writes as null', { total: Number.NaN }],
    ['a Date, which JSON writes as a string', { at: new Date(0) }],
    ['a toJSON method', { toJSON: () => 'x' }],
    ['a class instance', { map: new Map() }],
  ])('does not freeze a value holding %s', (_, value) => {
    // Act
    const frozen = freezeIfJsonValue(value);

    // Assess
    expect(frozen).toBe(false);
    expect(Object.isFrozen(value)).toBe(false);
  });

  it('leaves frozen the JSON parts of a value it refused, and the rest as they were', () => {
    // Prepare
    const kept = { ok: [1, 2] };
    const value = { kept, refused: { zero: -0 } };

    // Act
    const frozen = freezeIfJsonValue(value);

    // Assess
    expect(frozen).toBe(false);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(value.refused)).toBe(false);
    expect(value).toEqual({ kept: { ok: [1, 2] }, refused: { zero: -0 } });
  });
});
