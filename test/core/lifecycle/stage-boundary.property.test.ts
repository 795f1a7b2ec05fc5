import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifecycleConfig } from '../../../functions/core/lifecycle/config.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { emptyPurchases, recordPurchase } from '../../../functions/core/lifecycle/purchases.ts';
import { scanStageBoundary } from '../../../functions/core/lifecycle/stage-boundary.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import { generatedStages, lifecycleWith } from '../../support/lifecycle-rules.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:30:00Z');

/** Numbers a rule may compare a day count with: zero, fractions and integers, near and far. */
const number = fc.constantFrom(0, 0.5, 1, 2, 2.5, 7, 13.7, 30, 31, 60, 90, 180, 365);
/** A comparison of a view field with numbers drawn from `numbers`: one operator, a range, an exact number. */
function comparisonWith(numbers: fc.Arbitrary<number>) {
  return fc.oneof(
    fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '='), numbers).map(([op, n]) => [{ numeric: [op, n] }]),
    fc
      .tuple(numbers, numbers, fc.constantFrom(['>=', '<'], ['>', '<=']))
      .filter(([a, b]) => a !== b)
      .map(([a, b, [from, to]]) => [{ numeric: [from, Math.min(a, b), to, Math.max(a, b)] }]),
    numbers.map((n) => [n]),
  );
}
const comparison = comparisonWith(number);
// Each day count has day marks of its own (the numbers the rules compare it with): all four, so that a mark
// filed under the wrong field makes a boundary differ.
const field = fc.constantFrom(
  'daysSinceFirstSeen',
  'daysSinceLastSeen',
  'daysSinceFirstOrder',
  'daysSinceLastOrder',
);
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

/** Numbers a rule may compare pAlive with: its ends, values it passes, values near one another. */
const probability = fc.constantFrom(0, 0.05, 0.2, 0.3333, 0.5, 0.5001, 0.7, 0.9, 0.99, 1, 2);
const pAliveComparison = fc.oneof(comparisonWith(probability), fc.constant([{ 'anything-but': [0.5, 0.7] }]));
/** Rules over every field time moves for a purchaser: day counts, rolling windows, RFM scores and pAlive. */
const purchaserWhen = fc.oneof(
  fc.dictionary(field, comparison, { minKeys: 1, maxKeys: 2 }),
  fc.record({ pAlive: pAliveComparison }),
  fc.record({ pAlive: pAliveComparison, daysSinceLastOrder: comparison }),
  fc
    .tuple(pAliveComparison, fc.constantFrom('orders30d', 'orders90d', 'orders365d'), comparison)
    .map(([p, window, c]) => ({ $or: [{ pAlive: p }, { [window]: c }] })),
  fc
    .tuple(fc.constantFrom('r', 'f', 'm'), fc.constantFrom(1, 2, 3, 4, 5))
    .map(([letter, s]) => ({ rfm: { [letter]: [s] } })),
  fc.tuple(fc.constantFrom('revenue90d', 'revenue365d'), comparison).map(([w, c]) => ({ [w]: c })),
);
const purchaserStages = generatedStages(purchaserWhen, 4);

/** A customer who bought: orders (and maybe refunds) at random times in the last 400 days, as ingest records them. */
const purchaser = fc
  .record({
    firstAgo: fc.integer({ min: 0, max: 400 * DAY }),
    orders: fc.array(
      fc.record({
        ago: fc.integer({ min: 0, max: 400 * DAY }),
        amount: fc.integer({ min: 1, max: 1200 }),
        refund: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ firstAgo, orders }): Profile => {
    let purchases = emptyPurchases();
    for (const { ago, amount, refund } of orders)
      purchases = recordPurchase(purchases, refund ? 'refund' : 'order', NOW - ago, amount, NOW);
    const firstSeenAt = Math.min(NOW - firstAgo, purchases.firstOrderAt ?? NOW);
    return { traits: {}, devices: [], consent: {}, firstSeenAt, lastSeenAt: NOW, purchases };
  });

/** The sample's fitted BG/NBD model (in weeks) or one in days whose pAlive falls faster. */
const bgnbd = fc.constantFrom(
  { unit: 'weeks' as const, params: { r: 0.251624, alpha: 4.78894, a: 0.723434, b: 2.16109 } },
  { unit: 'days' as const, params: { r: 0.5, alpha: 2, a: 1.5, b: 3 } },
);

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

  it('is the same for a customer who bought, with rules on windows, RFM scores and pAlive', () => {
    fc.assert(
      fc.property(purchaserStages, purchaser, bgnbd, (rules, customer, bgnbdModel) => {
        // Prepare
        const compiled = compileLifecycle(lifecycleWith(rules, { model: bgnbdModel }, [14, 30.5, 90, 180]));

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
