/**
 * The BG/NBD model of Fader, Hardie and Lee (2005), "Counting your customers the easy way: an alternative to
 * the Pareto/NBD model", Marketing Science 24(2): while alive, a customer buys at Poisson rate lambda
 * (lambda ~ Gamma(r, alpha) across customers); after each purchase they drop out with probability p
 * (p ~ Beta(a, b)). Pure and deterministic: no I/O, no clock, no randomness. Derivations, numerics and the
 * CDNOW figures are in docs/lifecycle.md.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { nelderMead } from './optimize.ts';

/**
 * A customer's calibration summary: x repeat purchase days (purchase days after the first), tx the time of the
 * last purchase day after the first (0 when x = 0), T the age at the end of calibration; tx and T in one unit.
 */
export type BgNbdCustomer = { x: number; tx: number; T: number };
export type BgNbdParams = { r: number; alpha: number; a: number; b: number };
export type BgNbdFit = BgNbdParams & {
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
};
export type BgNbdFitOptions = { start?: BgNbdParams; maxIterations?: number; tolerance?: number };

/** Throws a RangeError unless r, alpha, a and b are finite and positive. */
export function checkBgNbdParams(params: BgNbdParams): void {
  for (const key of ['r', 'alpha', 'a', 'b'] as const) {
    const v = params[key];
    if (!(Number.isFinite(v) && v > 0))
      throw new RangeError(`BG/NBD parameter ${key} must be finite and positive, got ${v}`);
  }
}

/** Throws a RangeError unless x is a non-negative integer, 0 <= tx <= T (finite), and tx = 0 when x = 0. */
export function checkBgNbdCustomer(c: BgNbdCustomer, index?: number): void {
  const who = index === undefined ? 'customer' : `customer ${index}`;
  const { x, tx, T } = c;
  if (!(Number.isInteger(x) && x >= 0))
    throw new RangeError(`${who}: x must be a non-negative integer, got ${x}`);
  if (!(Number.isFinite(T) && Number.isFinite(tx) && tx >= 0 && tx <= T)) {
    throw new RangeError(`${who}: need 0 <= tx <= T (finite), got tx=${tx}, T=${T}`);
  }
  if (x === 0 && tx !== 0) throw new RangeError(`${who}: tx must be 0 when x is 0, got tx=${tx}`);
}

/** Customers with identical (x, tx, T) contribute identical terms: they are summed once, times their count. */
type Group = { x: number; tx: number; T: number; count: number };

function groupCustomers(customers: readonly BgNbdCustomer[]): Group[] {
  const groups = new Map<string, Group>();
  customers.forEach((c, i) => {
    checkBgNbdCustomer(c, i);
    const key = `${c.x}:${c.tx}:${c.T}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { x: c.x, tx: c.tx, T: c.T, count: 1 });
  });
  // A fixed order (not the input's) so that the floating-point sum, and so the fit, do not depend on it.
  return [...groups.values()].sort((p, q) => p.x - q.x || p.tx - q.tx || p.T - q.T);
}

/**
 * Paper eq. (6), in logs and summed over groups (Neumaier summation):
 *   ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)), with
 *   A1 = lnG(r+x) - lnG(r) + r ln(alpha),   A2 = lnG(a+b) + lnG(b+x) - lnG(b) - lnG(a+b+x),
 *   A3 = -(r+x) ln(alpha+T),                A4 = ln(a) - ln(b+x-1) - (r+x) ln(alpha+tx).
 * The last log is taken as max + log1p(exp(-|A3-A4|)) so that neither exponential under- or overflows.
 */
function groupedLogLikelihood(params: BgNbdParams, groups: readonly Group[]): number {
  const { r, alpha, a, b } = params;
  const shared = gammaln(a + b) - gammaln(b) - gammaln(r) + r * Math.log(alpha);
  const lnA = Math.log(a);
  let sum = 0;
  let compensation = 0;
  let currentX = -1;
  let byX = 0; // A1 + A2 for currentX
  let lnB = 0; // ln(b + x - 1) for currentX
  for (const g of groups) {
    if (g.x !== currentX) {
      currentX = g.x;
      byX = shared + gammaln(r + g.x) + gammaln(b + g.x) - gammaln(a + b + g.x);
      lnB = g.x > 0 ? Math.log(b + g.x - 1) : 0;
    }
    const a3 = -(r + g.x) * Math.log(alpha + g.T);
    let term = a3;
    if (g.x > 0) {
      const a4 = lnA - lnB - (r + g.x) * Math.log(alpha + g.tx);
      term = Math.max(a3, a4) + Math.log1p(Math.exp(-Math.abs(a3 - a4)));
    }
    const value = g.count * (byX + term);
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/** The log-likelihood of the customers' summaries under the parameters (paper eq. 6). */
export function bgNbdLogLikelihood(params: BgNbdParams, customers: readonly BgNbdCustomer[]): number {
  checkBgNbdParams(params);
  return groupedLogLikelihood(params, groupCustomers(customers));
}

/**
 * Maximum-likelihood fit: Nelder-Mead on ln(r), ln(alpha), ln(a), ln(b) (so the parameters stay positive),
 * minimising the mean negative log-likelihood per customer. `tolerance` (default 1e-12) bounds the spread
 * of that mean over the final simplex; the simplex must also be within 1e-7 in every log-parameter, and a
 * restart from the best point must gain nothing. Default start: r = a = b = 1, alpha = mean T.
 * Deterministic: the same customers in any order give the same fit.
 */
export function fitBgNbd(customers: readonly BgNbdCustomer[], options: BgNbdFitOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new RangeError('fitBgNbd: no customers');
  const groups = groupCustomers(customers);
  let meanT = 0;
  for (const g of groups) meanT += (g.T * g.count) / customers.length;
  const start = options.start ?? { r: 1, alpha: meanT > 0 ? meanT : 1, a: 1, b: 1 };
  checkBgNbdParams(start);
  const fromLog = (theta: readonly number[]): BgNbdParams => ({
    r: Math.exp(theta[0] ?? 0),
    alpha: Math.exp(theta[1] ?? 0),
    a: Math.exp(theta[2] ?? 0),
    b: Math.exp(theta[3] ?? 0),
  });
  const objective = (theta: readonly number[]): number => {
    const p = fromLog(theta);
    if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && Number.isFinite(p.r + p.alpha + p.a + p.b))) {
      return Number.POSITIVE_INFINITY;
    }
    const ll = groupedLogLikelihood(p, groups);
    return Number.isFinite(ll) ? -ll / customers.length : Number.POSITIVE_INFINITY;
  };
  const result = nelderMead(
    objective,
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)],
    {
      step: 0.5,
      maxIterations: options.maxIterations ?? 5000,
      fTolerance: options.tolerance ?? 1e-12,
      xTolerance: 1e-7,
    },
  );
  const params = fromLog(result.x);
  return {
    ...params,
    logLikelihood: groupedLogLikelihood(params, groups),
    customers: customers.length,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * P(alive | x, tx, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+tx))^(r+x)): FHL 2005 eq. (13) and
 * Fader and Hardie's note "Computing P(alive) using the BG/NBD model". A customer with no repeat purchase is
 * certainly alive (the model only lets customers drop out right after a purchase).
 */
export function pAlive(params: BgNbdParams, c: BgNbdCustomer): number {
  checkBgNbdParams(params);
  checkBgNbdCustomer(c);
  return aliveProbability(params, c);
}

function aliveProbability({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: BgNbdCustomer): number {
  if (x === 0) return 1;
  const lnOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
  return 1 / (1 + Math.exp(lnOdds));
}

/**
 * E[X(T, T+t) | x, tx, T]: the expected number of purchases in the next t time units (paper eq. 10),
 *   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] * P(alive),
 * with z = t/(alpha+T+t). Both evaluations below use Euler's transformation
 *   (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z),   c = a+b+x-1,
 * whose parameters do not grow with x (no overflow for frequent buyers). The expression has removable
 * singularities at a = 1 and (when x = 0) a+b = 1; see aliveExpectation.
 */
export function expectedPurchases(params: BgNbdParams, c: BgNbdCustomer, t: number): number {
  checkBgNbdParams(params);
  checkBgNbdCustomer(c);
  if (!(Number.isFinite(t) && t >= 0))
    throw new RangeError(`expectedPurchases: t must be finite and >= 0, got ${t}`);
  if (t === 0) return 0;
  const alive = aliveProbability(params, c);
  if (alive === 0) return 0;
  return Math.max(0, aliveExpectation(params, c.x, c.T, t)) * alive;
}

const BAND = 1e-4;
const SERIES_MAX_Z = 0.9;
const SERIES_MAX_TERMS = 5000;
/** The series is used only when its terms and parts are at most this much larger than the result. */
const SERIES_MAX_CANCELLATION = 1e4;

const isSingular = (a: number, b: number, x: number) =>
  Math.abs(a - 1) < BAND || Math.abs(a + b + x - 1) < BAND;

/**
 * E[X(T, T+t) | alive at T, x, T]: eq. (10) without its P(alive) denominator. First choice: seriesForm,
 * exact at the singular points and accurate for small t. Otherwise (z > 0.9, or cancellation in the series):
 * eulerForm with stdlib's 2F1; within 1e-4 of a singular point, that is extrapolated from evaluations at
 * a -/+ d and a -/+ 2d just outside it (the expectation is analytic in a; Richardson's error is O(d^4)).
 */
function aliveExpectation(params: BgNbdParams, x: number, T: number, t: number): number {
  const series = seriesForm(params, x, T, t);
  if (series !== undefined) return series;
  const { a, b } = params;
  if (!isSingular(a, b, x)) return eulerForm(params, x, T, t);
  const at = (shift: number) => eulerForm({ ...params, a: a + shift }, x, T, t);
  const usable = (shifts: number[]) => shifts.every((s) => a + s > 0 && !isSingular(a + s, b, x));
  for (let d = 2 * BAND; d < 0.25; d *= 2) {
    if (usable([-2 * d, -d, d, 2 * d])) {
      // Richardson: the symmetric means at d and 2d have errors k d^2 and 4 k d^2; this cancels them.
      const near = (at(-d) + at(d)) / 2;
      const far = (at(-2 * d) + at(2 * d)) / 2;
      return (4 * near - far) / 3;
    }
    if (a - 2 * d <= 0 && usable([d, 2 * d, 3 * d])) {
      // Near a = 0 (only when b + x is near 1): quadratic extrapolation from the right.
      return 3 * at(d) - 3 * at(2 * d) + at(3 * d);
    }
  }
  return eulerForm(params, x, T, t);
}

/** c/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z)] with stdlib's 2F1 (Cephes' algorithm). */
function eulerForm({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  const f = hyp2f1(a + b - 1 - r, a - 1, c, z);
  return (c / (a - 1)) * (1 - Math.exp((a - 1) * lnOneMinusZ) * f);
}

/**
 * The same quantity from the power series of 2F1(A, a-1; c; z), A = a+b-1-r, with the factor (a-1) of every
 * term cancelled by hand, and c folded into the Pochhammer symbol (c/(c)_k = 1/(c+1)_(k-1)):
 *   c [-expm1((a-1) ln(1-z))/(a-1)] - (1-z)^(a-1) sum_{k>=1} (A)_k (a)_(k-1) / ((c+1)_(k-1) k!) z^k.
 * Free of both singularities (c + 1 > 0 always). Returns undefined when z > 0.9 (slow convergence), when the
 * series has not converged, or when cancellation would cost more than four digits (large r against a + b).
 */
function seriesForm({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number | undefined {
  const z = t / (alpha + T + t);
  if (!(z <= SERIES_MAX_Z)) return undefined;
  const c = a + b + x - 1;
  const A = a + b - 1 - r;
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  const u = (a - 1) * lnOneMinusZ;
  const first = c * (u === 0 ? -lnOneMinusZ : -Math.expm1(u) / (a - 1));
  let term = A * z;
  let sum = term;
  let largest = Math.abs(term);
  let converged = term === 0;
  for (let k = 1; k < SERIES_MAX_TERMS && !converged; k++) {
    const ratio = (((A + k) * (a + k - 1)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    largest = Math.max(largest, Math.abs(term));
    converged = term === 0 || (Math.abs(term) <= 1e-17 * Math.abs(sum) && Math.abs(ratio) < 1);
  }
  if (!converged) return undefined;
  const scale = Math.exp(u);
  const result = first - scale * sum;
  const size = Math.max(Math.abs(first), scale * largest);
  return size <= SERIES_MAX_CANCELLATION * Math.abs(result) ? result : undefined;
}
