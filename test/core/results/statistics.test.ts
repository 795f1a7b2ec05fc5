import { describe, expect, it } from 'vitest';
import {
  chiSquareGoodnessOfFit,
  compareProportions,
  differenceInterval,
  fisherExactTest,
  relativeUplift,
  twoProportionZTest,
  wilsonInterval,
  zFor,
} from '../../../functions/core/results/statistics.ts';

describe('wilsonInterval', () => {
  // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
  // methods", Statistics in Medicine 17:857-872, Table II, method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('gives Newcombe 1998 method 3 for %i/%i', (x, n, low, high) => {
    // Act
    const interval = wilsonInterval(x, n);

    // Assess
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('is undefined with no trials and refuses impossible counts, naming them', () => {
    // Act, Assess
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 3)).toThrow(
      'wilsonInterval: expected whole counts with 0 <= successes <= trials, got 5/3',
    );
  });

  it('uses the normal quantile of the confidence level', () => {
    // Act, Assess: 1.959964 and 2.575829 (any normal table)
    expect(zFor(0.95)).toBeCloseTo(1.959964, 6);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 6);
  });
});

describe('differenceInterval', () => {
  // Newcombe RG (1998), "Interval estimation for the difference between independent proportions: comparison
  // of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score).
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ])('gives Newcombe 1998 method 10 for %i/%i - %i/%i', (x1, n1, x2, n2, low, high) => {
    // Act
    const interval = differenceInterval(x1, n1, x2, n2);

    // Assess
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });
});

describe('twoProportionZTest', () => {
  it("reproduces Agresti's aspirin and heart attack table: X-squared 25.01", () => {
    // Prepare: Physicians' Health Study, placebo 189 of 11,034 vs aspirin 104 of 11,037 had a heart attack
    // (Agresti, Categorical Data Analysis, 2nd ed., Table 2.3; Pearson X-squared 25.01, P < 0.0001).

    // Act
    const result = twoProportionZTest(189, 11034, 104, 11037);

    // Assess
    expect((result.statistic ?? 0) ** 2).toBeCloseTo(25.01, 2);
    expect(result.pValue).toBeCloseTo(5.69e-7, 8);
    expect(result.test).toBe('two-proportion z-test');
  });

  it('matches a hand computation for 56/70 vs 48/80', () => {
    // Prepare: pooled p = 104/150; se = sqrt(p(1-p)(1/70 + 1/80)) = 0.075468; z = 0.2 / se = 2.6502;
    // two-sided p = 2 * (1 - Phi(2.6502)) = 0.00805 (R: prop.test(c(56, 48), c(70, 80), correct = FALSE)).

    // Act
    const result = twoProportionZTest(56, 70, 48, 80);

    // Assess
    expect(result.statistic).toBeCloseTo(2.6502, 4);
    expect(result.pValue).toBeCloseTo(0.00805, 5);
  });

  it('is symmetric and gives p = 1 without evidence', () => {
    // Act, Assess
    expect(twoProportionZTest(48, 80, 56, 70).pValue).toBeCloseTo(
      twoProportionZTest(56, 70, 48, 80).pValue,
      12,
    );
    expect(twoProportionZTest(0, 10, 0, 12).pValue).toBe(1);
    expect(twoProportionZTest(0, 0, 3, 12).pValue).toBe(1);
  });
});

describe('fisherExactTest', () => {
  it("gives R's fisher.test p-values for the tea-tasting and convictions tables", () => {
    // Act, Assess: R documentation of fisher.test: TeaTasting matrix(c(3, 1, 1, 3)) p-value = 0.4857;
    // Convictions matrix(c(2, 10, 15, 3)) two-sided p-value = 0.0005367.
    expect(fisherExactTest(3, 1, 1, 3).pValue).toBeCloseTo(0.4857, 4);
    expect(fisherExactTest(2, 15, 10, 3).pValue).toBeCloseTo(0.0005367, 7);
    expect(fisherExactTest(2, 15, 10, 3).test).toBe("Fisher's exact test");
  });

  it('refuses a negative cell, naming the table', () => {
    // Act, Assess
    expect(() => fisherExactTest(1, -1, 2, 3)).toThrow('[[1, -1], [2, 3]]');
  });
});

describe('compareProportions', () => {
  it("uses Fisher's exact test when an expected count is below 5, the z-test otherwise", () => {
    // Act, Assess
    expect(compareProportions(3, 4, 1, 4).test).toBe("Fisher's exact test");
    expect(compareProportions(56, 70, 48, 80).test).toBe('two-proportion z-test');
  });
});

describe('relativeUplift', () => {
  it('gives the relative risk 1.82 (1.43 to 2.30) of the aspirin study', () => {
    // Act: Agresti, Categorical Data Analysis, 2nd ed., section 3.1.4: relative risk 1.82, 95% CI (1.43, 2.30).
    const uplift = relativeUplift(189, 11034, 104, 11037);

    // Assess
    expect(uplift?.estimate).toBeCloseTo(0.82, 2);
    expect(uplift?.low).toBeCloseTo(0.43, 2);
    expect(uplift?.high).toBeCloseTo(1.31, 1);
  });

  it('is undefined when a group reached nothing', () => {
    // Act, Assess
    expect(relativeUplift(0, 10, 3, 10)).toBeNull();
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it("gives R's chisq.test for equal shares: X-squared 2.5, df 2, p 0.2865", () => {
    // Act: R documentation of chisq.test, x <- c(A = 20, B = 15, C = 25); for df 2, p = exp(-X/2).
    const fit = chiSquareGoodnessOfFit([20, 15, 25], [1, 1, 1]);

    // Assess
    expect(fit.statistic).toBeCloseTo(2.5, 10);
    expect(fit.degreesOfFreedom).toBe(2);
    expect(fit.pValue).toBeCloseTo(Math.exp(-1.25), 10);
  });

  it("gives R's chisq.test with declared shares: X-squared 9.9901, df 4, p 0.04059", () => {
    // Act: R documentation of chisq.test, x <- c(89, 37, 30, 28, 2), p <- c(40, 20, 20, 15, 5), rescale.p = TRUE.
    const fit = chiSquareGoodnessOfFit([89, 37, 30, 28, 2], [40, 20, 20, 15, 5]);

    // Assess
    expect(fit.statistic).toBeCloseTo(9.9901, 4);
    expect(fit.pValue).toBeCloseTo(0.04059, 5);
  });

  it('refuses mismatched or empty shares', () => {
    // Act, Assess
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow('as many shares as counts');
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 0])).toThrow('every share must be above 0');
  });
});
