// The special functions the lifecycle model calls, as one file: the entry of the bundle's `maths-library.cjs`
// (infra/lib/function-bundle.ts), loaded on first use by maths-library-lazy.ts.
export { default as gammaln } from '@stdlib/math-base-special-gammaln';
export { default as hyp2f1 } from '@stdlib/math-base-special-hyp2f1';
