import { describe, expect, it } from 'vitest';
import { mergeOver } from '../../../functions/core/policies/policy-file.ts';

describe('mergeOver', () => {
  it('adds a field named __proto__ as a field, where the base has none, and merges one it has', () => {
    // Prepare
    const base: unknown = JSON.parse('{"caps": {"daily": 3}, "quiet": {"__proto__": {"kept": 1}}}');
    const override: unknown = JSON.parse('{"__proto__": {"added": 2}, "quiet": {"__proto__": {"more": 2}}}');

    // Act
    const merged = mergeOver(base, override);

    // Assess
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(JSON.stringify(merged)).toBe(
      '{"caps":{"daily":3},"quiet":{"__proto__":{"kept":1,"more":2}},"__proto__":{"added":2}}',
    );
  });
});
