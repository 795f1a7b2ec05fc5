import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nelderMead } from '../../../functions/core/lifecycle/optimize.ts';

const rosenbrock = ([x = 0, y = 0]: readonly number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley from the textbook start', () => {
    // Act
    const result = nelderMead(rosenbrock, [-1.2, 1]);

    // Assess
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    expect(result.fx).toBeLessThan(1e-10);
  });

  it('finds the minimum of any convex quadratic in four dimensions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (centre, weights) => {
          // Prepare
          const f = (x: readonly number[]) =>
            x.reduce((sum, v, i) => sum + (weights[i] ?? 1) * (v - (centre[i] ?? 0)) ** 2, 0);

          // Act
          const result = nelderMead(f, [0, 0, 0, 0]);

          // Assess
          expect(result.converged).toBe(true);
          result.x.forEach((v, i) => {
            expect(Math.abs(v - (centre[i] ?? 0))).toBeLessThan(1e-4);
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('is deterministic and treats NaN as +Infinity instead of wandering into it', () => {
    // Prepare: undefined (NaN) left of x = 0.5, minimum at x = 1.
    const f = ([x = 0]: readonly number[]) => (x < 0.5 ? Number.NaN : (x - 1) ** 2);

    // Act
    const first = nelderMead(f, [2]);
    const second = nelderMead(f, [2]);

    // Assess
    expect(first).toEqual(second);
    expect(first.x[0]).toBeCloseTo(1, 5);
  });

  it('reports no convergence when the iterations run out', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10 });

    expect(result.converged).toBe(false);
    expect(result.iterations).toBeLessThanOrEqual(10);
  });
});
