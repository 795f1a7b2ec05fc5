/**
 * A representative IANA timezone for each Country of the UCI Online Retail data set, as the data writes it.
 * Best effort: for a country with several zones it is the zone of most of its people (USA → New York, Canada →
 * Toronto, Australia → Sydney, Brazil → São Paulo). `null`: the Country names no country, so no zone is given.
 */
export const COUNTRY_TIMEZONES: Readonly<Record<string, string | null>> = {
  Australia: 'Australia/Sydney',
  Austria: 'Europe/Vienna',
  Bahrain: 'Asia/Bahrain',
  Belgium: 'Europe/Brussels',
  Brazil: 'America/Sao_Paulo',
  Canada: 'America/Toronto',
  'Channel Islands': 'Europe/Jersey',
  Cyprus: 'Asia/Nicosia',
  'Czech Republic': 'Europe/Prague',
  Denmark: 'Europe/Copenhagen',
  EIRE: 'Europe/Dublin',
  'European Community': null,
  Finland: 'Europe/Helsinki',
  France: 'Europe/Paris',
  Germany: 'Europe/Berlin',
  Greece: 'Europe/Athens',
  'Hong Kong': 'Asia/Hong_Kong',
  Iceland: 'Atlantic/Reykjavik',
  Israel: 'Asia/Jerusalem',
  Italy: 'Europe/Rome',
  Japan: 'Asia/Tokyo',
  Lebanon: 'Asia/Beirut',
  Lithuania: 'Europe/Vilnius',
  Malta: 'Europe/Malta',
  Netherlands: 'Europe/Amsterdam',
  Norway: 'Europe/Oslo',
  Poland: 'Europe/Warsaw',
  Portugal: 'Europe/Lisbon',
  RSA: 'Africa/Johannesburg',
  'Saudi Arabia': 'Asia/Riyadh',
  Singapore: 'Asia/Singapore',
  Spain: 'Europe/Madrid',
  Sweden: 'Europe/Stockholm',
  Switzerland: 'Europe/Zurich',
  'United Arab Emirates': 'Asia/Dubai',
  'United Kingdom': 'Europe/London',
  Unspecified: null,
  USA: 'America/New_York',
};

/** The representative zone of a Country as the data writes it; undefined when there is none. */
export function timezoneOfCountry(country: string): string | undefined {
  return Object.hasOwn(COUNTRY_TIMEZONES, country) ? (COUNTRY_TIMEZONES[country] ?? undefined) : undefined;
}
