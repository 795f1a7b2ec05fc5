import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BgNbdCustomer,
  type BgNbdParams,
  bgNbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  pAlive,
} from '../../../functions/core/lifecycle/bgnbd.ts';
import { plainLogLikelihood } from '../../support/bgnbd-reference.ts';

/** Gauss's 2F1 by its power series, for |z| < 1: independent of the transformations the code uses. */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
  }
  return sum;
}
/** Paper eq. (10), term by term as printed. */
function plainExpected(p: BgNbdParams, { x, tx, T }: BgNbdCustomer, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const inner = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1Series(r + x, b + x, a + b + x - 1, z);
  const odds = x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0;
  return (head * inner) / (1 + odds);
}

const paperParams: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const customer = fc
  .record({ x: fc.integer({ min: 0, max: 40 }), T: fc.double({ min: 0.5, max: 80, noNaN: true }) })
  .chain(({ x, T }) =>
    (x === 0 ? fc.constant(0) : fc.double({ min: 0.1, max: T, noNaN: true })).map((tx) => ({ x, tx, T })),
  );
const params = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
  a: fc.double({ min: 0.05, max: 5, noNaN: true }),
  b: fc.double({ min: 0.05, max: 10, noNaN: true }),
});

describe('BG/NBD likelihood', () => {
  it('equals the plain product form of eq. (6) for any parameters and customers', () => {
    fc.assert(
      fc.property(params, fc.array(customer, { minLength: 1, maxLength: 30 }), (p, customers) => {
        // Act
        const ll = bgNbdLogLikelihood(p, customers);

        // Assess
        const plain = plainLogLikelihood(p, customers);
        expect(Math.abs(ll - plain)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(plain)));
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the customers', () => {
    fc.assert(
      fc.property(params, fc.array(customer, { minLength: 2, maxLength: 30 }), (p, customers) => {
        expect(bgNbdLogLikelihood(p, [...customers].reverse())).toBe(bgNbdLogLikelihood(p, customers));
      }),
      { numRuns: 100 },
    );
  });
});

describe('pAlive and expected purchases', () => {
  it("reproduces the paper's worked example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks", () => {
    // Fader, Hardie and Lee (2005), section 5, with the parameters they fitted to the CDNOW sample.
    expect(expectedPurchases(paperParams, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it('matches eq. (10) summed as a plain series, wherever that series converges well', () => {
    fc.assert(
      fc.property(
        params.filter((p) => Math.abs(p.a - 1) > 0.05),
        customer,
        fc.double({ min: 0.5, max: 60, noNaN: true }),
        (p, c, t) => {
          fc.pre(t / (p.alpha + c.T + t) < 0.8);
          const plain = plainExpected(p, c, t);
          expect(Math.abs(expectedPurchases(p, c, t) - plain)).toBeLessThanOrEqual(
            1e-6 * Math.max(1, Math.abs(plain)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is certain that a customer with no repeat purchase is alive, and less so the longer a buyer is silent', () => {
    expect(pAlive(paperParams, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = pAlive(paperParams, { x: 4, tx: 30, T: 31 });
    const silent = pAlive(paperParams, { x: 4, tx: 10, T: 31 });
    expect(recent).toBeGreaterThan(silent);
    expect(silent).toBeGreaterThan(0);
  });
});

/** Customers drawn from the BG/NBD story itself, with a seeded generator. */
function simulateCustomers(truth: BgNbdParams, count: number, seed: number): BgNbdCustomer[] {
  let state = seed >>> 0;
  const uniform = () => {
    // mulberry32: small, seeded, good enough to draw test populations.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number): number => {
    // Marsaglia and Tsang; shapes below 1 by the boost gamma(k) = gamma(k + 1) * U^(1/k).
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(1 - uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const customers: BgNbdCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const lambda = gamma(truth.r) / truth.alpha;
    const ga = gamma(truth.a);
    const p = ga / (ga + gamma(truth.b));
    // Whole days, in weeks, as purchase data comes: customers then share (x, t_x, T) and the fit groups them.
    const T = Math.round((20 + 20 * uniform()) * 7) / 7;
    let time = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      time += -Math.log(1 - uniform()) / lambda;
      if (time > T) break;
      x++;
      tx = Math.min(T, Math.round(time * 7) / 7);
      if (uniform() < p) break;
    }
    customers.push({ x, tx, T });
  }
  return customers;
}

describe('fitBgNbd', () => {
  it('recovers the parameters of a population drawn from the model', () => {
    // Prepare
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const customers = simulateCustomers(truth, 40_000, 20251123);

    // Act
    const fit = fitBgNbd(customers);

    // Assess: 40,000 customers pin r and alpha within a few percent; a and b less tightly.
    expect(fit.converged).toBe(true);
    expect(fit.r / truth.r).toBeCloseTo(1, 1);
    expect(fit.alpha / truth.alpha).toBeCloseTo(1, 1);
    expect(Math.abs(fit.a / truth.a - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.b / truth.b - 1)).toBeLessThan(0.2);
  });

  it('gives the same fit from different starting points and for the customers in any order', () => {
    // Prepare
    const customers = simulateCustomers({ r: 0.3, alpha: 4, a: 0.7, b: 2 }, 5_000, 7);

    // Act
    const fromDefault = fitBgNbd(customers);
    const fromElsewhere = fitBgNbd([...customers].reverse(), { start: { r: 2, alpha: 20, a: 3, b: 0.5 } });

    // Assess
    for (const key of ['r', 'alpha', 'a', 'b'] as const)
      expect(fromElsewhere[key] / fromDefault[key]).toBeCloseTo(1, 4);
  });
});
