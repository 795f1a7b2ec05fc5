import ct from 'countries-and-timezones';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import * as z from 'zod';

const Email = z.lazy(() => z.email());

/** A valid address, trimmed and with its domain in lower case; undefined when it is not an address. */
export function normalizeEmail(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!Email.safeParse(trimmed).success) return undefined;
  const at = trimmed.lastIndexOf('@');
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/** E.164 for a valid international number (`+` and country code required); undefined otherwise. */
export function normalizePhone(raw: string): string | undefined {
  // Remembered: a customer's events carry the same number again and again, and parsing it dominated the
  // profile update. Bounded, so that a stream of different numbers cannot grow it without end.
  const known = phones.get(raw);
  if (known !== undefined) return known === INVALID ? undefined : known;
  const parsed = parsePhoneNumberFromString(raw.trim());
  const phone = parsed?.isValid() ? parsed.number : undefined;
  if (phones.size >= MAX_REMEMBERED_PHONES) {
    phones.clear();
    countries.clear();
  }
  phones.set(raw, phone ?? INVALID);
  // The number's country, which phoneTimezone asks next when the number is new to the profile: the same
  // digits, so the same country as parsing the E.164 form again would find.
  if (phone !== undefined) countries.set(phone, parsed?.country);
  return phone;
}

const INVALID = '';
const phones = new Map<string, string>();
/** The country of each E.164 number normalizePhone remembers (undefined: the number has none). */
const countries = new Map<string, CountryCode | undefined>();
const MAX_REMEMBERED_PHONES = 50_000;

/**
 * The IANA zone of a phone number's country when the country has exactly one zone. For countries that span
 * several zones (US, Brazil, Australia, ...) a number does not say where its owner is, so none is guessed.
 */
export function phoneTimezone(e164: string): string | undefined {
  const country = countries.has(e164) ? countries.get(e164) : parsePhoneNumberFromString(e164)?.country;
  if (!country) return undefined;
  if (!countryZones.has(country)) {
    const zones = ct.getTimezonesForCountry(country) ?? [];
    const canonical = zones.filter((z) => !z.aliasOf);
    countryZones.set(country, canonical.length === 1 ? canonical[0]?.name : undefined);
  }
  return countryZones.get(country);
}

/** The zone of each country asked about, or undefined when it has several (at most one entry per country). */
const countryZones = new Map<CountryCode, string | undefined>();
