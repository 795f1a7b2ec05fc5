/**
 * A small, deterministic Nelder-Mead simplex minimiser (Nelder and Mead 1965, with the ordering and the
 * inside/outside contractions of Lagarias, Reeds, Wright and Wright 1998, "Convergence properties of the
 * Nelder-Mead simplex method in low dimensions").
 *
 * Why our own: the npm candidates were checked (docs/lifecycle.md). `fmin` 0.0.4 ships a UMD bundle in a
 * `"type": "module"` package, so `import` gives no exports, it has no types and reports neither iterations
 * nor convergence; `numeric` (uncmin) has been unmaintained since 2012. BG/NBD needs four parameters, so a
 * textbook simplex method, restarted once it stalls, is enough.
 *
 * Deterministic: no randomness, ties in the ordering keep the older vertex first, and NaN counts as +Infinity.
 */

export type NelderMeadOptions = {
  /** Initial simplex: x0 plus `step` along each axis (default 0.5). */
  step?: number;
  /** Upper bound on iterations, summed over restarts (default 2000 per dimension). */
  maxIterations?: number;
  /** Stop when max |f(v) - f(best)| over the simplex is at most this (default 1e-12). */
  fTolerance?: number;
  /** ... and every vertex is within this of the best vertex in every coordinate (default 1e-7). */
  xTolerance?: number;
  /** Restarts from the best point after convergence, until one no longer improves f by fTolerance (default 3). */
  maxRestarts?: number;
};

export type NelderMeadResult = {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  /** True when the tolerances were met (and a restart confirmed it) before maxIterations ran out. */
  converged: boolean;
};

type Vertex = { x: number[]; fx: number };

const REFLECT = 1;
const EXPAND = 2;
const CONTRACT = 0.5;
const SHRINK = 0.5;

export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('nelderMead: x0 must have at least one coordinate');
  if (!x0.every(Number.isFinite)) throw new RangeError('nelderMead: x0 must be finite');
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const fTolerance = options.fTolerance ?? 1e-12;
  const xTolerance = options.xTolerance ?? 1e-7;
  const maxRestarts = options.maxRestarts ?? 3;

  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    const fx = f(x);
    return { x, fx: Number.isNaN(fx) ? Number.POSITIVE_INFINITY : fx };
  };

  let best = evaluate([...x0]);
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart <= maxRestarts && iterations < maxIterations; restart++) {
    const run = simplexRun(best, step, maxIterations - iterations);
    iterations += run.iterations;
    const improvement = best.fx - run.best.fx;
    best = run.best;
    if (!run.converged) {
      converged = false;
      break;
    }
    // A restart that gains nothing confirms the minimum: a simplex can collapse onto a subspace short of it.
    converged = maxRestarts === 0 || (restart > 0 && !(improvement > fTolerance));
    if (converged) break;
  }
  return { x: best.x, fx: best.fx, iterations, evaluations, converged };

  function simplexRun(start: Vertex, size: number, budget: number) {
    const simplex: Vertex[] = [start];
    for (let i = 0; i < n; i++) {
      const x = [...start.x];
      x[i] = (x[i] ?? 0) + size;
      simplex.push(evaluate(x));
    }
    let iteration = 0;
    for (; iteration < budget; iteration++) {
      // Stable sort: among equal values (or two infinities) the vertex already ahead stays ahead.
      simplex.sort((p, q) => p.fx - q.fx || 0);
      const lowest = vertex(simplex, 0);
      const highest = vertex(simplex, n);
      if (isSmall(simplex, lowest)) return { best: lowest, iterations: iteration, converged: true };

      const centroid = new Array<number>(n).fill(0);
      for (let j = 0; j < n; j++) {
        const v = vertex(simplex, j);
        for (let i = 0; i < n; i++) centroid[i] = (centroid[i] ?? 0) + (v.x[i] ?? 0) / n;
      }
      const along = (t: number) => evaluate(centroid.map((c, i) => c + t * (c - (highest.x[i] ?? 0))));

      const reflected = along(REFLECT);
      const secondHighest = vertex(simplex, n - 1);
      if (reflected.fx < lowest.fx) {
        const expanded = along(EXPAND);
        simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
      } else if (reflected.fx < secondHighest.fx) {
        simplex[n] = reflected;
      } else {
        const outside = reflected.fx < highest.fx;
        const contracted = along(outside ? CONTRACT * REFLECT : -CONTRACT);
        if (contracted.fx <= (outside ? reflected.fx : highest.fx)) {
          simplex[n] = contracted;
        } else {
          for (let j = 1; j <= n; j++) {
            const v = vertex(simplex, j);
            simplex[j] = evaluate(lowest.x.map((l, i) => l + SHRINK * ((v.x[i] ?? 0) - l)));
          }
        }
      }
    }
    simplex.sort((p, q) => p.fx - q.fx || 0);
    return {
      best: vertex(simplex, 0),
      iterations: iteration,
      converged: isSmall(simplex, vertex(simplex, 0)),
    };
  }

  function isSmall(simplex: readonly Vertex[], lowest: Vertex): boolean {
    for (const v of simplex) {
      if (!(Math.abs(v.fx - lowest.fx) <= fTolerance)) return false;
      for (let i = 0; i < n; i++)
        if (!(Math.abs((v.x[i] ?? 0) - (lowest.x[i] ?? 0)) <= xTolerance)) return false;
    }
    return true;
  }
}

function vertex(simplex: readonly Vertex[], i: number): Vertex {
  const v = simplex[i];
  if (v === undefined) throw new Error(`nelderMead: no vertex ${i}`);
  return v;
}
