import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../../functions/core/results/statistics.ts';
import { formatSummary, summaryOf } from '../../../functions/core/simulate/report.ts';
import { journeyResults } from '../../../functions/core/simulate/results.ts';
import type { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { simulateShowedUplift } from '../../support/showed-uplift.ts';

let folder = '';
let simulation: Simulation;

beforeAll(async () => {
  ({ folder, simulation } = await simulateShowedUplift());
}, 120_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the journey that "showed uplift"', () => {
  it('is reported per customer, with overlapping intervals, p above 0.05 and a warning that SMS sent nothing', () => {
    // Act
    const results = journeyResults(simulation.tally)['cart-offer-test'];

    // Assess
    if (!results) throw new Error('no results for cart-offer-test');
    const enrollments = [...simulation.tally.enrollments.values()];
    const customers = new Set(enrollments.map((e) => e.userId));
    expect(enrollments.length).toBeGreaterThan(customers.size);
    expect(results.groups.reduce((sum, g) => sum + g.customers, 0)).toBe(customers.size);
    expect(results.baseline).toBe('holdout');
    expect(results.groups.find((g) => g.group === 'sms')?.sent).toBe(0);
    expect(results.warnings.filter((w) => w.kind === 'sent-nothing').map((w) => w.group)).toEqual(['sms']);
    const holdout = results.groups.find((g) => g.group === 'holdout');
    for (const comparison of results.comparisons) {
      expect(comparison.pValue).toBeGreaterThan(0.05);
      const group = results.groups.find((g) => g.group === comparison.group);
      expect(group?.interval?.low).toBeLessThan(holdout?.interval?.high ?? 0);
      expect(group?.interval?.high).toBeGreaterThan(holdout?.interval?.low ?? 1);
    }
    expect(results.warnings.filter((w) => w.kind === 'no-difference').map((w) => w.group)).toEqual(
      results.comparisons.map((c) => c.group),
    );
    expect(results.sampleRatio?.mismatch).toBe(false);
  });

  it('would have "shown uplift" counted per enrollment, where customers with many carts weigh most', () => {
    // Prepare
    const byGroup = simulation.tally.journeys['cart-offer-test']?.goalByGroup;
    const discount = byGroup?.discount ?? { reached: 0, entered: 0 };
    const plain = byGroup?.plain ?? { reached: 0, entered: 0 };
    const perCustomer = journeyResults(simulation.tally)['cart-offer-test']?.groups;
    const customers = (name: string) =>
      perCustomer?.find((g) => g.group === name) ?? { reached: 0, customers: 0 };

    // Act
    const enrollmentTest = twoProportionZTest(
      discount.reached,
      discount.entered,
      plain.reached,
      plain.entered,
    );
    const customerTest = twoProportionZTest(
      customers('discount').reached,
      customers('discount').customers,
      customers('plain').reached,
      customers('plain').customers,
    );

    // Assess
    expect(enrollmentTest.pValue).toBeLessThan(0.05);
    expect(customerTest.pValue).toBeGreaterThan(0.05);
  });

  it('prints the per-customer figures, the p-values and the warnings in the simulator summary', () => {
    // Act
    const text = formatSummary(summaryOf(simulation.tally)).join('\n');

    // Assess
    expect(text).toContain('goal per customer (95% interval):');
    expect(text).toMatch(/ {4}sms +\d+\/\d+ customers \d+\.\d% \(\d+\.\d% to \d+\.\d%\); sent to 0;/);
    expect(text).toContain('goal reached (enrollments)');
    expect(text).toMatch(/p = 0\.\d+ \(two-proportion z-test\)/);
    expect(text).toContain('warning: sms sent nothing');
    expect(text).toContain(
      'sample ratio vs declared holdout 10%, discount 30.6%, plain 29.7%, sms 29.7%: ok',
    );
  });
});
