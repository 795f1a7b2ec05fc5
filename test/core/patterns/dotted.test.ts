import { describe, expect, it } from 'vitest';
import { joinDottedKeys } from '../../../functions/core/patterns/dotted.ts';
import { testEventPattern } from '../../../functions/core/patterns/index.ts';

describe('joinDottedKeys', () => {
  it('joins a dotted name whose head is __proto__ into an own field, as JSON.parse makes one', () => {
    // Prepare
    const object = JSON.parse('{"__proto__.plan": "pro", "__proto__": {"tier": 2}}');

    // Act
    const joined = joinDottedKeys(object);

    // Assess
    expect(Object.getPrototypeOf(joined)).toBe(Object.prototype);
    expect(JSON.stringify(joined)).toBe('{"__proto__":{"plan":"pro","tier":2}}');
  });

  it('lets a pattern on a property named __proto__ match it given either way', () => {
    // Prepare
    const pattern = JSON.parse('{"detail": {"properties": {"__proto__": {"plan": ["pro"]}}}}');
    const dotted = JSON.parse('{"detail": {"properties": {"__proto__.plan": "pro"}}}');
    const nested = JSON.parse('{"detail": {"properties": {"__proto__": {"plan": "pro"}}}}');
    const other = JSON.parse('{"detail": {"properties": {"__proto__.plan": "free"}}}');

    // Act
    const matched = [dotted, nested, other].map((event) => testEventPattern(pattern, event));

    // Assess
    expect(matched).toEqual([true, true, false]);
  });
});
