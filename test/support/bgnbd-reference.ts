import type { BgNbdCustomer, BgNbdParams } from '../../functions/core/lifecycle/bgnbd.ts';

// An independent implementation of the likelihood for checking the code under test: Lanczos' log-gamma
// (g = 7, n = 9) instead of stdlib's, and paper eq. (6) in its plain product form, per customer.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function lgamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}
export function plainLogLikelihood(
  { r, alpha, a, b }: BgNbdParams,
  customers: readonly BgNbdCustomer[],
): number {
  let total = 0;
  for (const { x, tx, T } of customers) {
    const gammaPart = Math.exp(lgamma(r + x) - lgamma(r) + r * Math.log(alpha));
    const betaPart = Math.exp(lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x));
    const dropped = x > 0 ? (a / (b + x - 1)) * (alpha + tx) ** -(r + x) : 0;
    total += Math.log(gammaPart * betaPart * ((alpha + T) ** -(r + x) + dropped));
  }
  return total;
}

/** Central differences of the plain log-likelihood in log-parameters: zero at a maximum of the likelihood. */
export function logParameterGradient(
  p: BgNbdParams,
  customers: readonly BgNbdCustomer[],
  h = 1e-5,
): number[] {
  const keys = ['r', 'alpha', 'a', 'b'] as const;
  return keys.map((key) => {
    const up = { ...p, [key]: p[key] * Math.exp(h) };
    const down = { ...p, [key]: p[key] * Math.exp(-h) };
    return (plainLogLikelihood(up, customers) - plainLogLikelihood(down, customers)) / (2 * h);
  });
}
