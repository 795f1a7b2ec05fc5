// The phone libraries as one file, the entry of the bundle's `phone-library.cjs` (infra/lib/function-bundle.ts):
// what functions/core/profile/addresses.ts calls of them, loaded on first use by phone-library-lazy.ts.
export { default as countriesAndTimezones } from 'countries-and-timezones';
export { parsePhoneNumberFromString } from 'libphonenumber-js';
