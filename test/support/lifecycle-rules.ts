import fc from 'fast-check';
import type { LifecycleConfig } from '../../functions/core/lifecycle/config.ts';

/** Stage rules in order, each a generated pattern (`when`) for one of the stages. */
export function generatedStages(when: fc.Arbitrary<Record<string, unknown>>, maxLength: number) {
  return fc.array(
    fc.tuple(fc.constantFrom('new', 'active', 'at_risk', 'vip', 'lapsed'), when).map(([stage, pattern]) => ({
      stage,
      why: 'generated',
      when: pattern,
    })),
    { minLength: 1, maxLength },
  );
}

/** A lifecycle configuration around generated stage rules: orders by detail-type, the sample RFM bands. */
export function lifecycleWith(
  stages: LifecycleConfig['stages'],
  extra: Pick<LifecycleConfig, 'model'> = {},
  recencyDays: number[] = [14, 30, 90, 180],
): LifecycleConfig {
  return {
    purchases: {
      orders: { pattern: { 'detail-type': ['Order Completed'] }, revenue: 'detail.properties.revenue' },
    },
    rfm: { recencyDays, frequencyOrders: [2, 3, 5, 8], monetaryRevenue: [50, 150, 400, 1000] },
    ...extra,
    stages,
  };
}
