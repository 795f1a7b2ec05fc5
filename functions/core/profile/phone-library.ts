import { createRequire } from 'node:module';

type PhoneNumbers = typeof import('libphonenumber-js');
type CountryZones = typeof import('countries-and-timezones');

/**
 * libphonenumber-js (its metadata of every country's numbering plan) and countries-and-timezones, loaded on
 * the first phone number rather than when a function starts: most inputs carry no phone, and every bundle
 * that imports the profile model would otherwise pay for both at each cold start (docs/benchmarks.md,
 * "Function bundles"). The calls stay synchronous, as the engine is. `require` with the package's name
 * written out is what esbuild bundles as a module evaluated on first call; where ESM runs without it (tsx),
 * Node's own `createRequire` loads the same package.
 */
let phoneNumbers: PhoneNumbers | undefined;
let countryZones: CountryZones | undefined;

export function phoneNumberLibrary(): PhoneNumbers {
  phoneNumbers ??=
    typeof require === 'function'
      ? require('libphonenumber-js')
      : createRequire(import.meta.url)('libphonenumber-js');
  return phoneNumbers ?? missing('libphonenumber-js');
}

export function countryZonesLibrary(): CountryZones {
  countryZones ??=
    typeof require === 'function'
      ? require('countries-and-timezones')
      : createRequire(import.meta.url)('countries-and-timezones');
  return countryZones ?? missing('countries-and-timezones');
}

function missing(name: string): never {
  throw new Error(`${name} did not load`);
}
