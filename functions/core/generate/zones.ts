/**
 * The timezones synthetic customers live in, and their UTC offsets.
 *
 * Offsets come from a fixed table of standard offsets and daylight-saving rules (the rules in force since
 * 2007 in the US, 1996 in the EU, 2008 in Australia and 2007 in New Zealand), not from Intl: the generator's
 * output must not change when a machine's ICU time-zone data does. The table agrees with the IANA database
 * for every instant from 2019-02-17 (when Brazil ended daylight saving) on, and for the other zones from 2010
 * (checked against Intl in the tests). If a country changes its rules, the table changes in a commit, and with
 * it the output for dates after the change.
 */

type DstRule = 'none' | 'us' | 'eu' | 'au' | 'nz';

export type Zone = {
  /** IANA name. */
  id: string;
  /** Standard (winter) offset from UTC in minutes. */
  standard: number;
  rule: DstRule;
  /** Locales of customers in this zone, weighted. */
  locales: readonly (readonly [string, number])[];
  currency: string;
  /** Share of customers, in percent. */
  weight: number;
  /** Share of push-enabled customers on iOS (APNS) rather than Android (FCM), in percent. */
  apnsPercent: number;
};

export const ZONES: readonly Zone[] = [
  {
    id: 'America/Los_Angeles',
    standard: -480,
    rule: 'us',
    locales: [
      ['en-US', 85],
      ['es-US', 15],
    ],
    currency: 'USD',
    weight: 13,
    apnsPercent: 60,
  },
  {
    id: 'America/New_York',
    standard: -300,
    rule: 'us',
    locales: [
      ['en-US', 90],
      ['es-US', 10],
    ],
    currency: 'USD',
    weight: 16,
    apnsPercent: 60,
  },
  {
    id: 'America/Sao_Paulo',
    standard: -180,
    rule: 'none',
    locales: [['pt-BR', 1]],
    currency: 'BRL',
    weight: 8,
    apnsPercent: 20,
  },
  {
    id: 'Europe/London',
    standard: 0,
    rule: 'eu',
    locales: [['en-GB', 1]],
    currency: 'GBP',
    weight: 12,
    apnsPercent: 50,
  },
  {
    id: 'Europe/Berlin',
    standard: 60,
    rule: 'eu',
    locales: [['de-DE', 1]],
    currency: 'EUR',
    weight: 9,
    apnsPercent: 35,
  },
  {
    id: 'Europe/Paris',
    standard: 60,
    rule: 'eu',
    locales: [['fr-FR', 1]],
    currency: 'EUR',
    weight: 6,
    apnsPercent: 35,
  },
  {
    id: 'Africa/Lagos',
    standard: 60,
    rule: 'none',
    locales: [['en-NG', 1]],
    currency: 'NGN',
    weight: 5,
    apnsPercent: 15,
  },
  {
    id: 'Asia/Kolkata',
    standard: 330,
    rule: 'none',
    locales: [
      ['en-IN', 75],
      ['hi-IN', 25],
    ],
    currency: 'INR',
    weight: 8,
    apnsPercent: 10,
  },
  {
    id: 'Asia/Shanghai',
    standard: 480,
    rule: 'none',
    locales: [['zh-CN', 1]],
    currency: 'CNY',
    weight: 5,
    apnsPercent: 25,
  },
  {
    id: 'Asia/Tokyo',
    standard: 540,
    rule: 'none',
    locales: [['ja-JP', 1]],
    currency: 'JPY',
    weight: 8,
    apnsPercent: 65,
  },
  {
    id: 'Australia/Sydney',
    standard: 600,
    rule: 'au',
    locales: [['en-AU', 1]],
    currency: 'AUD',
    weight: 6,
    apnsPercent: 55,
  },
  {
    id: 'Pacific/Auckland',
    standard: 720,
    rule: 'nz',
    locales: [['en-NZ', 1]],
    currency: 'NZD',
    weight: 4,
    apnsPercent: 50,
  },
];

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day of the month of the n-th Sunday (n = 1..4), or the last Sunday when n is 0; month 0-based. */
function sunday(year: number, month: number, n: number): number {
  if (n === 0) {
    const lastDay = new Date(Date.UTC(year, month + 1, 0));
    return lastDay.getUTCDate() - lastDay.getUTCDay();
  }
  const firstWeekday = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}

/** The UTC instants at which daylight saving starts and ends in `year`. */
function transitions(
  rule: Exclude<DstRule, 'none'>,
  standard: number,
  year: number,
): { start: number; end: number } {
  const at = (month: number, n: number, localHour: number, offset: number) =>
    Date.UTC(year, month, sunday(year, month, n), localHour) - offset * MINUTE;
  const summer = standard + 60;
  switch (rule) {
    case 'us': // second Sunday in March 02:00 to first Sunday in November 02:00, local time
      return { start: at(2, 2, 2, standard), end: at(10, 1, 2, summer) };
    case 'eu': // last Sunday in March to last Sunday in October, at 01:00 UTC
      return { start: at(2, 0, 1, 0), end: at(9, 0, 1, 0) };
    case 'au': // first Sunday in October 02:00 to first Sunday in April 03:00, local time
      return { start: at(9, 1, 2, standard), end: at(3, 1, 3, summer) };
    case 'nz': // last Sunday in September 02:00 to first Sunday in April 03:00, local time
      return { start: at(8, 0, 2, standard), end: at(3, 1, 3, summer) };
  }
}

const cache = new Map<string, { start: number; end: number }>();

/** The zone's offset from UTC, in minutes, at the instant `utcMs`. */
export function utcOffsetMinutes(zone: Zone, utcMs: number): number {
  if (zone.rule === 'none') return zone.standard;
  const year = new Date(utcMs).getUTCFullYear();
  const key = `${zone.rule}:${zone.standard}:${year}`;
  let t = cache.get(key);
  if (t === undefined) {
    t = transitions(zone.rule, zone.standard, year);
    cache.set(key, t);
  }
  // Northern rules have summer inside the year; southern ones (au, nz) around the new year.
  const summer = t.start < t.end ? utcMs >= t.start && utcMs < t.end : utcMs >= t.start || utcMs < t.end;
  return zone.standard + (summer ? 60 : 0);
}

/** The instant at which the wall clock in `zone` shows `localMs` (local time expressed as if it were UTC). */
export function localToUtc(zone: Zone, localMs: number): number {
  return localMs - utcOffsetMinutes(zone, localMs - zone.standard * MINUTE) * MINUTE;
}

/** The wall-clock time in `zone` at `utcMs`, expressed as if it were UTC. */
export function utcToLocal(zone: Zone, utcMs: number): number {
  return utcMs + utcOffsetMinutes(zone, utcMs) * MINUTE;
}

/** The local hour (0 to 23) in `zone` at `utcMs`. */
export function localHour(zone: Zone, utcMs: number): number {
  return Math.floor((utcToLocal(zone, utcMs) % DAY_MS) / HOUR);
}
