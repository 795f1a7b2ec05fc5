// stdlib's hyp2f1 in a function bundle: required on first call (maths-library-lazy.ts).
export { hyp2f1 as default } from './maths-library-lazy.ts';
