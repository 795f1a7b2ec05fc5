import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifecycleConfig } from '../../../functions/core/lifecycle/config.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle.ts';
import { scanStageBoundary } from '../../../functions/core/lifecycle/stage-boundary.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import { generatedStages, lifecycleWith } from '../../support/lifecycle-rules.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:30:00Z');

/** Numbers a rule may compare a day count with: zero, fractions and integers, near and far. */
const number = fc.constantFrom(0, 0.5, 1, 2, 2.5, 7, 13.7, 30, 31, 60, 90, 180, 365);
const comparison = fc.oneof(
  fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '='), number).map(([op, n]) => [{ numeric: [op, n] }]),
  fc
    .tuple(number, number)
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => [{ numeric: ['>=', Math.min(a, b), '<', Math.max(a, b)] }]),
  number.map((n) => [n]),
);
const field = fc.constantFrom('daysSinceFirstSeen', 'daysSinceLastSeen', 'daysSinceLastOrder');
const when = fc.oneof(
  fc.dictionary(field, comparison, { minKeys: 1, maxKeys: 2 }),
  fc.tuple(fc.constantFrom(1, 2, 3, 4, 5), comparison).map(([r, c]) => ({ rfm: { r: [r] }, orders: c })),
);
const stages = generatedStages(when, 4);

/** A customer without purchase days: seen at two random times before now, maybe with a refund-only summary. */
const profile = fc
  .record({
    firstAgo: fc.integer({ min: 0, max: 200 * DAY }),
    lastAfter: fc.integer({ min: 0, max: 200 * DAY }),
    orderAgo: fc.option(fc.integer({ min: 0, max: 300 * DAY })),
  })
  .map(({ firstAgo, lastAfter, orderAgo }): Profile => {
    const firstSeenAt = NOW - firstAgo;
    const base: Profile = {
      traits: {},
      devices: [],
      consent: {},
      firstSeenAt,
      lastSeenAt: Math.min(NOW, firstSeenAt + lastAfter),
    };
    if (orderAgo === null) return base;
    const at = NOW - orderAgo;
    const purchases = { orders: 0, revenue: 0, refunds: 1, days: [], weeks: [], bitmap: '' };
    return { ...base, purchases: { ...purchases, firstOrderAt: at, lastOrderAt: at } };
  });

function model(rules: LifecycleConfig['stages']) {
  return compileLifecycle(lifecycleWith(rules, {}, [14, 30.5, 90, 180]));
}

describe('the next lifecycle-stage boundary', () => {
  it('is the same whether or not the stage is evaluated where no day count crossed a number of the rules', () => {
    fc.assert(
      fc.property(stages, profile, (rules, customer) => {
        // Prepare
        const compiled = model(rules);

        // Act
        const skipping = scanStageBoundary(compiled, 'u1', customer, NOW, true);
        const everywhere = scanStageBoundary(compiled, 'u1', customer, NOW, false);

        // Assess
        expect(skipping).toBe(everywhere);
      }),
      { numRuns: 400 },
    );
  });
});
