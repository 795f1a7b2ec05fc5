/** Where the chunks a function loads on first use (`import()`) land, beside its `index.mjs`. */
export const CHUNKS_DIR = 'chunks';

/**
 * The phone libraries (libphonenumber-js, countries-and-timezones), bundled apart as CommonJS beside a
 * function's `index.mjs` and required on the first phone number a function normalizes (phone-library-lazy.ts).
 */
export const PHONE_LIBRARY_FILE = 'phone-library.cjs';
