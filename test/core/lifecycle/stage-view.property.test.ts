import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifecycleConfig } from '../../../functions/core/lifecycle/config.ts';
import { evaluateStage, lifecycleView } from '../../../functions/core/lifecycle/lifecycle.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { emptyPurchases, recordPurchase } from '../../../functions/core/lifecycle/purchases.ts';
import { compilePattern, matchesPattern } from '../../../functions/core/patterns/index.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';
import { generatedStages, lifecycleWith } from '../../support/lifecycle-rules.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T09:30:00Z');

/** A field of the view with a comparison: the derived fields, the profile view's, dotted and nested. */
const condition = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'daysSinceFirstSeen',
        'daysSinceLastSeen',
        'daysSinceLastOrder',
        'orders',
        'revenue',
        'averageOrderValue',
        'repeatDays',
        'orders30d',
        'revenue30d',
        'orders90d',
        'revenue90d',
        'orders365d',
        'revenue365d',
        'pAlive',
        'expectedPurchases90d',
      ),
      fc.constantFrom('<', '>=', '>'),
      fc.constantFrom(0, 0.3, 0.5, 1, 2, 7, 30, 60, 100, 400),
    )
    .map(([field, op, n]): [string, unknown] => [field, [{ numeric: [op, n] }]]),
  fc.constantFrom<[string, unknown]>(
    ['rfm', { m: [5] }],
    ['rfm.r', [4, 5]],
    ['rfm', [null]],
    ['pAlive', [null]],
    ['stage', ['new', null]],
    ['reachable.email', [true]],
    ['reachable', { sms: [false] }],
    ['traits', { plan: ['gold'] }],
    ['userId', [{ prefix: 'u' }]],
    ['lists', [{ exists: false }]],
  ),
);
const when = fc
  .tuple(
    fc.array(condition, { minLength: 1, maxLength: 3 }),
    fc.option(fc.array(fc.array(condition, { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 2 })),
  )
  .map(([fields, or]) => ({
    ...Object.fromEntries(fields),
    ...(or ? { $or: or.map((member) => Object.fromEntries(member)) } : {}),
  }))
  // EventBridge refuses some combinations (a field both beside and inside $or...): those are not rules.
  .filter((pattern) => compilePattern(pattern).ok);
const stages = generatedStages(when, 5);

/** A customer seen at some time, with orders and refunds on random days before now. */
const profile = fc
  .record({
    firstAgo: fc.integer({ min: 0, max: 400 * DAY }),
    purchases: fc.array(
      fc.record({ ago: fc.integer({ min: 0, max: 400 * DAY }), amount: fc.integer({ min: 1, max: 900 }) }),
      { maxLength: 6 },
    ),
    refund: fc.boolean(),
    email: fc.boolean(),
    plan: fc.constantFrom('gold', 'free'),
    stage: fc.constantFrom(undefined, 'new' as const, 'vip' as const),
  })
  .map(({ firstAgo, purchases, refund, email, plan, stage }): Profile => {
    let summary = emptyPurchases();
    for (const [i, { ago, amount }] of purchases.entries())
      summary = recordPurchase(summary, refund && i === 0 ? 'refund' : 'order', NOW - ago, amount, NOW);
    return {
      traits: { plan },
      devices: [],
      consent: {},
      firstSeenAt: NOW - firstAgo,
      lastSeenAt: NOW - Math.floor(firstAgo / 2),
      ...(email ? { email: 'a@example.com' } : {}),
      ...(stage ? { stage } : {}),
      ...(purchases.length > 0 ? { purchases: summary } : {}),
    };
  });

function config(rules: LifecycleConfig['stages']): LifecycleConfig {
  return lifecycleWith(rules, {
    model: { unit: 'weeks', params: { r: 0.251624, alpha: 4.78894, a: 0.723434, b: 2.16109 } },
  });
}

/** The first rule matching the whole view, as audiences and branches see it. */
function stageOnWholeView(rules: LifecycleConfig['stages'], view: Record<string, unknown>) {
  for (const rule of rules) {
    const compiled = compilePattern(rule.when);
    if (!compiled.ok) throw new Error('a generated rule does not compile');
    if (matchesPattern(compiled.pattern, view)) return rule.stage;
  }
  return undefined;
}

describe('the lifecycle stage', () => {
  it('is the stage the whole view gives, though each rule is tried on the parts of the view it and the rules before it read', () => {
    fc.assert(
      fc.property(stages, profile, fc.integer({ min: 0, max: 500 * DAY }), (rules, customer, later) => {
        // Prepare
        const model = compileLifecycle(config(rules));
        const at = NOW + later;

        // Act
        const stage = evaluateStage(model, 'u1', customer, at).stage;

        // Assess
        expect(stage).toBe(stageOnWholeView(rules, lifecycleView('u1', customer, model, at)));
      }),
      { numRuns: 500 },
    );
  });
});
