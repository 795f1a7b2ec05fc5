// stdlib's gammaln in a function bundle: required on first call (maths-library-lazy.ts).
export { gammaln as default } from './maths-library-lazy.ts';
