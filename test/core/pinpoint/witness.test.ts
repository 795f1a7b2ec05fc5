import { describe, expect, it } from 'vitest';
import { matches, merge, witnessOf } from '../../../functions/core/pinpoint/witness.ts';

describe('witnessOf', () => {
  it('builds a document with a field named __proto__ that its pattern matches, from an $or too', () => {
    // Prepare: a pattern as a Pinpoint export's attribute names reach it.
    const pattern: Record<string, unknown> = JSON.parse(
      '{"traits": {"__proto__": ["gold"]}, "$or": [{"__proto__": {"tier": [2]}}, {"tier": [3]}]}',
    );

    // Act
    const witness = witnessOf(pattern);

    // Assess
    expect(JSON.stringify(witness)).toBe('{"traits":{"__proto__":"gold"},"__proto__":{"tier":2}}');
    expect(matches(pattern, witness)).toBe(true);
  });
});

describe('merge', () => {
  it('merges fields named __proto__ as fields', () => {
    // Prepare
    const a: Record<string, unknown> = JSON.parse('{"z": 3}');
    const b: Record<string, unknown> = JSON.parse('{"__proto__": {"y": 2}}');

    // Act
    const merged = merge(a, b);

    // Assess
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.stringify(merged)).toBe('{"z":3,"__proto__":{"y":2}}');
  });
});
