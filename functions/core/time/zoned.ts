import { DateTime, IANAZone } from 'luxon';
import type { Weekday } from '../journeys/schema.ts';

const WEEKDAY_NUMBER: Record<Weekday, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

export function isValidTimezone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The earliest instant at or after `fromMs` whose wall-clock time in `zone` is `hhmm` on one of `days`.
 * Luxon resolves wall times that do not exist on a DST spring-forward day by moving them forward, so the
 * result is always a real instant on the intended local day.
 */
export function nextLocalTime(fromMs: number, zone: string, hhmm: string, days?: readonly Weekday[]): number {
  const [hour, minute] = hhmm.split(':').map(Number);
  const allowed = new Set((days ?? []).map((d) => WEEKDAY_NUMBER[d]));
  const from = DateTime.fromMillis(fromMs, { zone });
  for (let offset = 0; offset <= 8; offset++) {
    const day = from.plus({ days: offset });
    if (allowed.size > 0 && !allowed.has(day.weekday)) continue;
    const candidate = day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    if (candidate >= fromMs) return candidate;
  }
  throw new Error(`no ${hhmm} on ${[...allowed].join(',')} within 8 days of ${from.toISO()} in ${zone}`);
}

/** The local wall-clock parts of an instant, for reports and for checking local-time rules. */
export function localParts(
  ms: number,
  zone: string,
): { weekday: number; hour: number; minute: number; isoLocal: string } {
  const local = DateTime.fromMillis(ms, { zone });
  return { weekday: local.weekday, hour: local.hour, minute: local.minute, isoLocal: local.toISO() ?? '' };
}
