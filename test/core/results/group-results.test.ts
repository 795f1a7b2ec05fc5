import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declaredGroups } from '../../../functions/core/results/declared.ts';
import { formatResults } from '../../../functions/core/results/format.ts';
import { type CustomerFact, groupResults } from '../../../functions/core/results/group-results.ts';
import { twoProportionZTest, wilsonInterval } from '../../../functions/core/results/statistics.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

const DECLARED = [
  { group: 'holdout', percent: 10, holdout: true },
  { group: 'a', percent: 45, holdout: false },
  { group: 'b', percent: 45, holdout: false },
];

/** `count` customers of a group, the first `reached` of them reaching the goal. */
function customers(
  group: string,
  count: number,
  reached: number,
  extra: Partial<CustomerFact> = {},
): CustomerFact[] {
  return Array.from({ length: count }, (_, i) => ({
    customer: `${group}-${i}`,
    group,
    sent: group !== 'holdout',
    goalReached: i < reached,
    revenue: null,
    currency: null,
    ...extra,
  }));
}

describe('groupResults', () => {
  it('counts customers, not enrollments: a customer who enters three times and converts once is one of one', () => {
    // Prepare
    const facts: CustomerFact[] = [
      { customer: 'ana', group: 'a', sent: true, goalReached: false, revenue: null, currency: null },
      { customer: 'ana', group: 'a', sent: false, goalReached: true, revenue: 20, currency: 'EUR' },
      { customer: 'ana', group: 'a', sent: false, goalReached: true, revenue: 5, currency: 'EUR' },
      { customer: 'ben', group: 'a', sent: false, goalReached: false, revenue: null, currency: null },
    ];

    // Act
    const a = groupResults(facts, DECLARED).groups.find((g) => g.group === 'a');

    // Assess
    expect(a).toMatchObject({ customers: 2, reached: 1, sent: 1, rate: 0.5, revenuePerCustomer: 12.5 });
    expect(a?.interval).toEqual(wilsonInterval(1, 2));
    expect(groupResults(facts, DECLARED).currency).toBe('EUR');
  });

  it('does not add up revenue in different currencies, and says so', () => {
    // Prepare
    const facts: CustomerFact[] = [
      { customer: 'ana', group: 'a', sent: true, goalReached: true, revenue: 20, currency: 'EUR' },
      { customer: 'ben', group: 'a', sent: true, goalReached: true, revenue: 3000, currency: 'JPY' },
    ];

    // Act
    const results = groupResults(facts, DECLARED);

    // Assess
    expect(results.groups.find((g) => g.group === 'a')?.revenuePerCustomer).toBeNull();
    expect(results.warnings.find((w) => w.kind === 'currencies')?.text).toBe(
      'goal revenue is in 2 currencies (EUR, JPY): not added up per customer.',
    );
  });

  it('compares every group with the holdout, with the test named and its p-value', () => {
    // Prepare
    const facts = [...customers('holdout', 100, 20), ...customers('a', 450, 135), ...customers('b', 450, 95)];

    // Act
    const results = groupResults(facts, DECLARED);

    // Assess
    expect(results.baseline).toBe('holdout');
    const a = results.comparisons.find((c) => c.group === 'a');
    expect(a).toMatchObject({ against: 'holdout', test: 'two-proportion z-test' });
    expect(a?.pValue).toBeCloseTo(twoProportionZTest(135, 450, 20, 100).pValue, 12);
    expect(a?.absolute.estimate).toBeCloseTo(0.1, 12);
    expect(a?.relative?.estimate).toBeCloseTo(0.5, 12);
    expect(results.warnings.map((w) => `${w.kind} ${w.group}`)).toEqual(['no-difference b']);
    expect(results.sampleRatio).toMatchObject({ statistic: 0, mismatch: false });
  });

  it('compares with the first variant when there is no holdout', () => {
    // Prepare
    const declared = [
      { group: 'a', percent: 50, holdout: false },
      { group: 'b', percent: 50, holdout: false },
    ];

    // Act
    const results = groupResults([...customers('a', 40, 20), ...customers('b', 40, 20)], declared);

    // Assess
    expect(results.baseline).toBe('a');
    expect(results.comparisons.map((c) => `${c.group} vs ${c.against}`)).toEqual(['b vs a']);
  });

  it('warns in plain words when a variant sent nothing, a group is too small and the split is off', () => {
    // Prepare: the holdout should be 10% of 1,000 but is 200; b sent nothing; the holdout has 3 conversions.
    const facts = [
      ...customers('holdout', 200, 3),
      ...customers('a', 400, 100),
      ...customers('b', 400, 100, { sent: false }),
    ];

    // Act
    const results = groupResults(facts, DECLARED);

    // Assess
    expect(results.sampleRatio?.mismatch).toBe(true);
    expect(results.warnings.map((w) => `${w.kind} ${w.group}`)).toEqual([
      'too-small holdout',
      'sent-nothing b',
      'sample-ratio-mismatch null',
    ]);
    expect(results.warnings[1]?.text).toBe(
      'b sent nothing: none of its 400 customers got a message, so its rate is that of customers who were not ' +
        'messaged, not an effect of the variant. Check consent and the channel.',
    );
  });

  it('names a declared group without customers, and compares nothing without any', () => {
    // Act
    const results = groupResults([], DECLARED);

    // Assess
    expect(results.baseline).toBeNull();
    expect(results.comparisons).toEqual([]);
    expect(results.sampleRatio).toBeNull();
    expect(results.warnings.map((w) => w.kind)).toEqual(['no-customers', 'no-customers', 'no-customers']);
    expect(formatResults(results)).toEqual([]);
  });

  it('prints rates with intervals, uplift with p-values, the sample-ratio check and the warnings', () => {
    // Prepare
    const facts = [...customers('holdout', 100, 20), ...customers('a', 450, 135), ...customers('b', 450, 95)];

    // Act: z = 0.1 / sqrt(155/550 * 395/550 * (1/450 + 1/100)) = 2.011, p = 0.044 for a
    const lines = formatResults(groupResults(facts, DECLARED));

    // Assess
    expect(lines).toEqual([
      '  goal per customer (95% interval):',
      '    holdout  20/100 customers 20.0% (13.3% to 28.9%); sent to 0',
      '    a        135/450 customers 30.0% (25.9% to 34.4%); sent to 450; vs holdout +10.0 points (+0.2 to +18.0), +50% relative (-1% to +128%), p = 0.04 (two-proportion z-test)',
      '    b        95/450 customers 21.1% (17.6% to 25.1%); sent to 450; vs holdout +1.1 points (-8.4 to +8.9), +6% relative (-31% to +62%), p = 0.80 (two-proportion z-test)',
      '  sample ratio vs declared holdout 10%, a 45%, b 45%: ok (chi-square goodness of fit, chi-square 0.00, df 2, p = 1.00)',
      '  warning: b vs holdout: no detectable difference (p = 0.80, two-proportion z-test); the difference of +1.1 points may be chance.',
    ]);
  });
});

describe('declaredGroups', () => {
  it('gives the holdout its percent and divides the rest as the split says', () => {
    // Prepare
    const journey = journeyFromYaml(`
id: offer
name: Offer
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: control, type: holdout, percent: 20, next: split }
  - id: split
    type: split
    variants:
      - { name: a, percent: 25, next: end }
      - { name: b, percent: 75, next: end }
  - { id: end, type: exit }
`);

    // Act, Assess
    expect(declaredGroups(journey)).toEqual([
      { group: 'holdout', percent: 20, holdout: true },
      { group: 'a', percent: 20, holdout: false },
      { group: 'b', percent: 60, holdout: false },
    ]);
  });
});

describe('the statistics, for any counts', () => {
  const counts = fc
    .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }))
    .chain(([n1, n2]) =>
      fc.tuple(
        fc.integer({ min: 0, max: n1 }),
        fc.constant(n1),
        fc.integer({ min: 0, max: n2 }),
        fc.constant(n2),
      ),
    );

  it('keep each rate inside its interval, inside [0, 1], p in [0, 1], and give the same p either way round', () => {
    fc.assert(
      fc.property(counts, ([x1, n1, x2, n2]) => {
        // Act
        const results = groupResults(
          [...customers('holdout', n2, x2), ...customers('a', n1, x1)],
          DECLARED.slice(0, 2),
        );
        const swapped = groupResults(
          [...customers('holdout', n1, x1), ...customers('a', n2, x2)],
          DECLARED.slice(0, 2),
        );

        // Assess
        for (const g of results.groups) {
          const { interval, rate } = g;
          expect(interval && rate !== null).toBeTruthy();
          if (!interval || rate === null) return;
          expect(interval.low).toBeGreaterThanOrEqual(0);
          expect(interval.high).toBeLessThanOrEqual(1);
          expect(interval.low).toBeLessThanOrEqual(rate + 1e-12);
          expect(interval.high).toBeGreaterThanOrEqual(rate - 1e-12);
        }
        const p = results.comparisons[0]?.pValue ?? Number.NaN;
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(swapped.comparisons[0]?.pValue).toBeCloseTo(p, 9);
        const difference = results.comparisons[0]?.absolute;
        expect(difference?.interval?.low).toBeLessThanOrEqual((difference?.estimate ?? 0) + 1e-12);
        expect(difference?.interval?.high).toBeGreaterThanOrEqual((difference?.estimate ?? 0) - 1e-12);
      }),
      { numRuns: 200 },
    );
  });
});
