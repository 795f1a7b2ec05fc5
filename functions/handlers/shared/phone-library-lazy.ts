import { PHONE_LIBRARY_FILE } from './bundle-layout.ts';
import type * as PhoneLibrary from './phone-library.ts';
import { requireBesideBundle } from './require-beside-bundle.ts';

// What the function bundles import in place of libphonenumber-js and countries-and-timezones (an esbuild alias,
// infra/lib/function-bundle.ts): the same functions, which require the libraries, bundled apart as CommonJS
// beside index.mjs, on their first call. Synchronous, as the profile update that normalizes a phone number is;
// a function whose first input carries no phone number (feedback on an email, most events) never loads them,
// about 170 KB of code that its cold start pre-parsed at the import (docs/benchmarks.md, "Function bundles").
// The CLI, the simulator and the tests import the libraries themselves.

let library: typeof PhoneLibrary | undefined;

function phoneLibrary(): typeof PhoneLibrary {
  library ??= requireBesideBundle<typeof PhoneLibrary>(import.meta.url, PHONE_LIBRARY_FILE);
  return library;
}

export function parsePhoneNumberFromString(
  ...args: Parameters<typeof PhoneLibrary.parsePhoneNumberFromString>
): ReturnType<typeof PhoneLibrary.parsePhoneNumberFromString> {
  return phoneLibrary().parsePhoneNumberFromString(...args);
}

const countriesAndTimezones = {
  getTimezonesForCountry: (country: string) =>
    phoneLibrary().countriesAndTimezones.getTimezonesForCountry(country),
};
export default countriesAndTimezones;
