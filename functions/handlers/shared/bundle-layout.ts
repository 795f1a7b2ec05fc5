/** Where the chunks a function loads on first use (`import()`) land, beside its `index.mjs`. */
export const CHUNKS_DIR = 'chunks';

/**
 * The phone libraries (libphonenumber-js, countries-and-timezones), bundled apart as CommonJS beside a
 * function's `index.mjs` and required on the first phone number a function normalizes (phone-library-lazy.ts).
 */
export const PHONE_LIBRARY_FILE = 'phone-library.cjs';

/**
 * The two special functions of stdlib the lifecycle model calls (gammaln, hyp2f1), bundled apart as CommonJS
 * beside a function's `index.mjs` and required on their first call (maths-library-lazy.ts): a function runs
 * them only where the model's series form does not serve (docs/benchmarks.md, "Function bundles").
 */
export const MATHS_LIBRARY_FILE = 'maths-library.cjs';
