/**
 * The statistics of a journey's results: pure functions of counts, no clock, no randomness.
 *
 * Distributions come from stdlib (`@stdlib/stats-base-dists-*`), not hand-written approximations: their CDFs
 * and quantiles are accurate far into the tails, which is where the p-values that matter live.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

import type { GoodnessOfFit, Interval, ProportionTest } from './schema.ts';

export type { GoodnessOfFit, Interval, ProportionTest } from './schema.ts';

/** The two-sided critical value of the standard normal for a confidence level, 1.959964 for 0.95. */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

function checkCounts(successes: number, trials: number, where: string): void {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials)
    throw new RangeError(
      `${where}: expected whole counts with 0 <= successes <= trials, got ${successes}/${trials}`,
    );
}

/**
 * The Wilson score interval for a proportion (Wilson 1927; method 3 of Newcombe 1998): it stays inside [0, 1]
 * and keeps close to its nominal coverage for small counts and rates near 0 or 1, where the textbook
 * (Wald) interval does not (Agresti & Coull 1998). Undefined (null) with no trials.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | null {
  checkCounts(successes, trials, 'wilsonInterval');
  if (trials === 0) return null;
  const z = zFor(confidence);
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes one end is exactly 0 or 1; rounding must not move it.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}

/**
 * The pooled two-proportion z-test, two-sided: the same as R's `prop.test(x, n, correct = FALSE)` (whose
 * X-squared is z squared). p is 1 when either group is empty or the pooled rate is 0 or 1: no evidence.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ProportionTest {
  checkCounts(x1, n1, 'twoProportionZTest');
  checkCounts(x2, n2, 'twoProportionZTest');
  const pooled = n1 + n2 === 0 ? 0 : (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (n1 === 0 || n2 === 0 || !(se > 0)) return { test: 'two-proportion z-test', pValue: 1, statistic: 0 };
  const z = (x1 / n1 - x2 / n2) / se;
  return {
    test: 'two-proportion z-test',
    pValue: Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)),
    statistic: z,
  };
}

const logChoose = (n: number, k: number) => gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);

/**
 * Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided as R's `fisher.test` computes it: the sum
 * of the probabilities (hypergeometric, margins fixed) of every table no more likely than the one observed,
 * with R's relative tolerance of 1e-7 for ties.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number): ProportionTest {
  for (const cell of [a, b, c, d])
    if (!Number.isInteger(cell) || cell < 0)
      throw new RangeError(`fisherExactTest: expected whole counts >= 0, got [[${a}, ${b}], [${c}, ${d}]]`);
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const logP = (x: number) => logChoose(row1, x) + logChoose(n - row1, col1 - x) - logChoose(n, col1);
  const observed = logP(a);
  let pValue = 0;
  for (let x = Math.max(0, col1 - (n - row1)); x <= Math.min(row1, col1); x++) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) pValue += Math.exp(lp);
  }
  return { test: "Fisher's exact test", pValue: Math.min(1, pValue), statistic: null };
}

/**
 * Compares two proportions with the z-test, or with Fisher's exact test when an expected cell count is below
 * 5 (Cochran's rule, 1954: below that the normal approximation of the z-test is not to be trusted).
 */
export function compareProportions(x1: number, n1: number, x2: number, n2: number): ProportionTest {
  const n = n1 + n2;
  const reached = x1 + x2;
  const expected =
    n === 0 ? [0] : [n1, n2].flatMap((rows) => [(rows * reached) / n, (rows * (n - reached)) / n]);
  return Math.min(...expected) < 5
    ? fisherExactTest(x1, n1 - x1, x2, n2 - x2)
    : twoProportionZTest(x1, n1, x2, n2);
}

/**
 * An interval for the difference of two proportions p1 - p2: Newcombe's hybrid score method (method 10 of
 * Newcombe 1998, "Interval estimation for the difference between independent proportions"), built from the two
 * Wilson intervals. Like them it behaves at small counts and at 0 or 1, where the Wald interval does not.
 */
export function differenceInterval(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence = 0.95,
): Interval | null {
  const w1 = wilsonInterval(x1, n1, confidence);
  const w2 = wilsonInterval(x2, n2, confidence);
  if (!w1 || !w2) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}

/**
 * Relative uplift p1 / p2 - 1 with an interval from the log risk ratio (Katz et al. 1978, the method of most
 * epidemiology texts and of R's `epitools::riskratio`): ln(RR) +- z * sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2).
 * Null when either group reached nothing, where the ratio has no finite log.
 */
export function relativeUplift(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence = 0.95,
): { estimate: number; low: number; high: number } | null {
  checkCounts(x1, n1, 'relativeUplift');
  checkCounts(x2, n2, 'relativeUplift');
  if (x1 === 0 || x2 === 0) return null;
  const ratio = x1 / n1 / (x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  const z = zFor(confidence);
  return {
    estimate: ratio - 1,
    low: Math.exp(Math.log(ratio) - z * se) - 1,
    high: Math.exp(Math.log(ratio) + z * se) - 1,
  };
}

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against expected shares (rescaled to sum to
 * 1), as R's `chisq.test(observed, p = shares, rescale.p = TRUE)`: the sample-ratio check of an experiment.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  shares: readonly number[],
): GoodnessOfFit {
  if (observed.length !== shares.length || observed.length < 2)
    throw new RangeError('chiSquareGoodnessOfFit: expected as many shares as counts, at least two');
  if (shares.some((s) => !(s > 0)))
    throw new RangeError('chiSquareGoodnessOfFit: every share must be above 0');
  const total = observed.reduce((a, b) => a + b, 0);
  const shareTotal = shares.reduce((a, b) => a + b, 0);
  let statistic = 0;
  observed.forEach((count, i) => {
    const expected = (total * (shares[i] ?? 0)) / shareTotal;
    statistic += expected === 0 ? 0 : (count - expected) ** 2 / expected;
  });
  const degreesOfFreedom = observed.length - 1;
  const pValue = total === 0 ? 1 : 1 - chisquareCdf(statistic, degreesOfFreedom);
  return { test: 'chi-square goodness of fit', statistic, degreesOfFreedom, pValue: Math.max(0, pValue) };
}
