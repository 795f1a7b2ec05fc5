import type { Comparison, GroupFigures, JourneyResults, SampleRatio, Warning } from './schema.ts';
import {
  chiSquareGoodnessOfFit,
  compareProportions,
  differenceInterval,
  relativeUplift,
  wilsonInterval,
} from './statistics.ts';

export type { Comparison, GroupFigures, JourneyResults, SampleRatio, Warning } from './schema.ts';

/** What one enrollment (or one customer) of a journey came to; several for one customer are merged. */
export type CustomerFact = {
  customer: string;
  /** The variant name, `holdout` for the control group, `all` when the journey has no split. */
  group: string;
  /** Whether a message of the journey was sent to them. */
  sent: boolean;
  goalReached: boolean;
  /** The revenue of the goal event, when it carries one, and its currency when it says. */
  revenue: number | null;
  currency: string | null;
};

/** A group the journey declares and the share of its customers it should get, in percent. */
export type DeclaredGroup = { group: string; percent: number; holdout: boolean };

/** Conventional significance level for "no detectable difference". */
const ALPHA = 0.05;
/**
 * A sample-ratio mismatch is flagged below this p: a strict threshold, since the check runs on every report
 * and a false alarm costs trust (Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch", use 0.0005).
 */
const SAMPLE_RATIO_ALPHA = 0.001;
/** The success-failure condition of introductory texts (OpenIntro Statistics, 6.1): 10 of each to conclude. */
const AT_LEAST = 10;

/**
 * A group's counts, per customer: how many customers it has, how many were sent a message and how many reached
 * the goal, and the sum of their goal revenue (null when none of their goal events carried revenue). The
 * report's SQL (core/outcomes/queries.ts, `customer_groups`) counts the same from the outcome log.
 */
export type GroupCounts = {
  group: string;
  customers: number;
  sent: number;
  reached: number;
  revenue: number | null;
};

type Customer = Pick<CustomerFact, 'sent' | 'goalReached' | 'revenue'>;

/** Counts per customer: a customer's first group stands, goal and sent are any of theirs, revenue adds up. */
function countsOf(facts: readonly CustomerFact[]): GroupCounts[] {
  const groupOf = new Map<string, string>();
  const groups = new Map<string, Map<string, Customer>>();
  for (const fact of facts) {
    const group = groupOf.get(fact.customer) ?? fact.group;
    groupOf.set(fact.customer, group);
    const customers = groups.get(group) ?? new Map<string, Customer>();
    groups.set(group, customers);
    const before = customers.get(fact.customer);
    const revenue =
      before?.revenue === null || before?.revenue === undefined
        ? fact.revenue
        : before.revenue + (fact.revenue ?? 0);
    customers.set(fact.customer, {
      sent: (before?.sent ?? false) || fact.sent,
      goalReached: (before?.goalReached ?? false) || fact.goalReached,
      revenue,
    });
  }
  return [...groups].map(([group, customers]) => {
    const all = [...customers.values()];
    const withRevenue = all.filter((c) => c.revenue !== null);
    return {
      group,
      customers: all.length,
      sent: all.filter((c) => c.sent).length,
      reached: all.filter((c) => c.goalReached).length,
      revenue: withRevenue.length === 0 ? null : withRevenue.reduce((sum, c) => sum + (c.revenue ?? 0), 0),
    };
  });
}

function figures(counts: GroupCounts, holdout: boolean, withRevenue: boolean): GroupFigures {
  const { group, customers, sent, reached } = counts;
  return {
    group,
    holdout,
    customers,
    sent,
    reached,
    rate: customers === 0 ? null : reached / customers,
    interval: wilsonInterval(reached, customers),
    revenuePerCustomer: withRevenue && customers > 0 ? (counts.revenue ?? 0) / customers : null,
  };
}

function compare(group: GroupFigures, baseline: GroupFigures): Comparison {
  const { reached: x1, customers: n1 } = group;
  const { reached: x2, customers: n2 } = baseline;
  return {
    group: group.group,
    against: baseline.group,
    absolute: { estimate: x1 / n1 - x2 / n2, interval: differenceInterval(x1, n1, x2, n2) },
    relative: relativeUplift(x1, n1, x2, n2),
    ...compareProportions(x1, n1, x2, n2),
  };
}

function sampleRatio(
  groups: readonly GroupFigures[],
  declared: readonly DeclaredGroup[],
): SampleRatio | null {
  const counted = declared.filter((d) => d.percent > 0);
  if (counted.length < 2) return null;
  const observed = counted.map((d) => groups.find((g) => g.group === d.group)?.customers ?? 0);
  const total = observed.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const fit = chiSquareGoodnessOfFit(
    observed,
    counted.map((d) => d.percent),
  );
  return {
    ...fit,
    expectedPercent: Object.fromEntries(counted.map((d) => [d.group, d.percent])),
    mismatch: fit.pValue < SAMPLE_RATIO_ALPHA,
  };
}

const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
export const formatP = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(p < 0.01 ? 3 : 2)}`);

function warnings(
  groups: readonly GroupFigures[],
  comparisons: readonly Comparison[],
  ratio: SampleRatio | null,
): Warning[] {
  const found: Warning[] = [];
  for (const g of groups) {
    if (g.customers === 0) {
      found.push({ kind: 'no-customers', group: g.group, text: `${g.group} has no customers yet.` });
      continue;
    }
    if (!g.holdout && g.sent === 0)
      found.push({
        kind: 'sent-nothing',
        group: g.group,
        text:
          `${g.group} sent nothing: none of its ${g.customers} customers got a message, so its rate is that of ` +
          'customers who were not messaged, not an effect of the variant. Check consent and the channel.',
      });
    if (g.reached < AT_LEAST || g.customers - g.reached < AT_LEAST)
      found.push({
        kind: 'too-small',
        group: g.group,
        text:
          `${g.group} is too small to conclude: ${g.reached} of ${g.customers} customers reached the goal ` +
          `(at least ${AT_LEAST} who did and ${AT_LEAST} who did not are needed).`,
      });
  }
  for (const c of comparisons)
    if (c.pValue >= ALPHA)
      found.push({
        kind: 'no-difference',
        group: c.group,
        text:
          `${c.group} vs ${c.against}: no detectable difference (${formatP(c.pValue)}, ${c.test}); ` +
          `the difference of ${points(c.absolute.estimate)} points may be chance.`,
      });
  if (ratio?.mismatch)
    found.push({
      kind: 'sample-ratio-mismatch',
      group: null,
      text:
        `the groups' sizes do not match the declared split (${formatP(ratio.pValue)}, ${ratio.test}): ` +
        'customers are missing from or added to some group, so the comparison may be biased.',
    });
  return found;
}

/**
 * A journey's results per group, counted per customer (not per enrollment): rate with a 95% Wilson interval,
 * uplift against the holdout (or the first declared variant) with a p-value and the test named, the
 * sample-ratio check against the declared split, and warnings in plain words. Comparisons are not adjusted
 * for multiplicity: with several variants, one p below 0.05 in several is weaker evidence than it looks.
 */
export function groupResults(
  facts: readonly CustomerFact[],
  declared: readonly DeclaredGroup[],
): JourneyResults {
  const currencies = new Set(facts.flatMap((f) => (f.revenue !== null && f.currency ? [f.currency] : [])));
  return groupResultsOfCounts(countsOf(facts), declared, [...currencies]);
}

/**
 * The same results from each group's counts (`GroupCounts`) and the currencies of the goal revenue, as the
 * report's SQL gives them. The declared groups come first, in their order, with no customers if none came.
 */
export function groupResultsOfCounts(
  counts: readonly GroupCounts[],
  declared: readonly DeclaredGroup[],
  currencies: readonly string[],
): JourneyResults {
  const withRevenue = counts.some((c) => c.revenue !== null) && currencies.length <= 1;
  const none = (group: string): GroupCounts => ({ group, customers: 0, sent: 0, reached: 0, revenue: null });
  const groups = [
    ...declared.map((d) =>
      figures(counts.find((c) => c.group === d.group) ?? none(d.group), d.holdout, withRevenue),
    ),
    ...counts
      .filter((c) => !declared.some((d) => d.group === c.group))
      .map((c) => figures(c, c.group === 'holdout', withRevenue)),
  ];
  const baseline =
    groups.find((g) => g.holdout && g.customers > 0) ?? groups.find((g) => !g.holdout && g.customers > 0);
  const comparisons = baseline
    ? groups.filter((g) => g !== baseline && g.customers > 0).map((g) => compare(g, baseline))
    : [];
  const ratio = sampleRatio(groups, declared);
  const found = warnings(groups, comparisons, ratio);
  if (currencies.length > 1)
    found.push({
      kind: 'currencies',
      group: null,
      text: `goal revenue is in ${currencies.length} currencies (${[...currencies].sort().join(', ')}): not added up per customer.`,
    });
  return {
    groups,
    baseline: baseline?.group ?? null,
    currency: withRevenue ? (currencies[0] ?? null) : null,
    comparisons,
    sampleRatio: ratio,
    warnings: found,
  };
}
