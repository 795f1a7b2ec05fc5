import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldIndex } from '../../../functions/core/patterns/field-index.ts';
import {
  type CompiledPattern,
  compilePattern,
  matchesPattern,
} from '../../../functions/core/patterns/index.ts';

const type = fc.constantFrom('Order Completed', 'Product Viewed', 'Signed Up', 'Order Refunded');
/** How a pattern may say (or not say) what detail-type it wants: plain strings, operators, nothing, `$or`. */
const typeCondition = fc.oneof(
  fc.array(type, { minLength: 1, maxLength: 3 }),
  type.map((t) => [{ prefix: t.slice(0, 5) }]),
  type.map((t) => [t, { 'anything-but': t }]),
  fc.constant([{ exists: false }]),
  fc.constant([{ exists: true }]),
  fc.constant(['Order Completed', 42]),
);
const patternSource = fc.record(
  {
    'detail-type': typeCondition,
    source: fc.constantFrom(['shop'], ['app'], [{ prefix: 'sh' }]),
    $or: fc.constant([{ 'detail-type': ['Signed Up'] }, { source: ['app'] }]),
  },
  { requiredKeys: [] },
);
const event = fc.oneof(
  fc.record({ 'detail-type': type, source: fc.constantFrom('shop', 'app') }),
  fc.record({ source: fc.constantFrom('shop', 'app') }),
  fc.record({ 'detail-type': fc.oneof(fc.integer(), fc.array(type, { maxLength: 2 })) }),
  fc.array(fc.record({ 'detail-type': type }), { maxLength: 2 }),
  fc.record({ 'detail-type': type, 'detail-type.x': fc.constant('nested') }),
);

function compiled(source: unknown): CompiledPattern {
  const result = compilePattern(source);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.pattern;
}

/** The sources EventBridge accepts (a field may not be both outside and inside a `$or`), compiled. */
function valid(sources: readonly unknown[]): CompiledPattern[] {
  return sources.flatMap((source) => {
    const result = compilePattern(source);
    return result.ok ? [result.pattern] : [];
  });
}

describe('FieldIndex', () => {
  it('gives the same matches, in the same order, as matching every pattern', () => {
    fc.assert(
      fc.property(fc.array(patternSource, { minLength: 1, maxLength: 6 }), event, (sources, e) => {
        // Prepare
        const items = valid(sources).map((pattern, id) => ({ id, pattern }));
        const index = new FieldIndex(items, (item) => item.pattern, 'detail-type');

        // Act
        const indexed = index.candidates(e).filter((item) => matchesPattern(item.pattern, e));

        // Assess
        expect(indexed.map((i) => i.id)).toEqual(
          items.filter((item) => matchesPattern(item.pattern, e)).map((i) => i.id),
        );
      }),
    );
  });

  it('leaves out the patterns that name other detail-types', () => {
    // Prepare
    const items = [
      { id: 'orders', pattern: compiled({ 'detail-type': ['Order Completed'] }) },
      { id: 'views', pattern: compiled({ 'detail-type': ['Product Viewed'] }) },
      { id: 'any', pattern: compiled({ source: ['shop'] }) },
    ];
    const index = new FieldIndex(items, (item) => item.pattern, 'detail-type');

    // Act
    const candidates = index.candidates({ 'detail-type': 'Product Viewed', source: 'shop' });

    // Assess
    expect(candidates.map((i) => i.id)).toEqual(['views', 'any']);
  });
});
