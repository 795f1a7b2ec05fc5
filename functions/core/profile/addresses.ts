import ct from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import * as z from 'zod';

const Email = z.email();

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
  if (phones.size >= MAX_REMEMBERED_PHONES) phones.clear();
  phones.set(raw, phone ?? INVALID);
  return phone;
}

const INVALID = '';
const phones = new Map<string, string>();
const MAX_REMEMBERED_PHONES = 50_000;

/**
 * The IANA zone of a phone number's country when the country has exactly one zone. For countries that span
 * several zones (US, Brazil, Australia, ...) a number does not say where its owner is, so none is guessed.
 */
export function phoneTimezone(e164: string): string | undefined {
  const country = parsePhoneNumberFromString(e164)?.country;
  if (!country) return undefined;
  const zones = ct.getTimezonesForCountry(country) ?? [];
  const canonical = zones.filter((z) => !z.aliasOf);
  return canonical.length === 1 ? canonical[0]?.name : undefined;
}
