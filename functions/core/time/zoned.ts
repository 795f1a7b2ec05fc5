import { DateTime, IANAZone } from 'luxon';
import type { Weekday } from '../journeys/schema-parts.ts';

const WEEKDAY_NUMBER: Record<Weekday, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** Answers seen so far: Luxon builds an Intl.DateTimeFormat for every check, which dominated simulations. */
const zoneValidity = new Map<string, boolean>();
const MAX_REMEMBERED_ZONES = 2_000;

export function isValidTimezone(zone: string): boolean {
  const known = zoneValidity.get(zone);
  if (known !== undefined) return known;
  const valid = IANAZone.isValidZone(zone);
  // Bounded, so that a stream of made-up zone names cannot grow it without end.
  if (zoneValidity.size < MAX_REMEMBERED_ZONES) zoneValidity.set(zone, valid);
  return valid;
}

/** The customer's zone when it is a valid one, else the fallback (the engine's `defaultTimezone`). */
export function zoneOr(zone: string | undefined, fallback: string): string {
  return zone !== undefined && isValidTimezone(zone) ? zone : fallback;
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

const DAY_MS = 86_400_000;

/** An instant on the recipient's wall clock: what local-time policies look at. */
export type LocalClock = {
  /** YYYY-MM-DD. */
  date: string;
  /** 1 (Monday) to 7 (Sunday). */
  weekday: number;
  /** Milliseconds since local midnight, from the wall-clock fields. */
  msOfDay: number;
  /** Minutes since local midnight, rounded down. */
  minuteOfDay: number;
  /** UTC offset in minutes. */
  offset: number;
};

export function localClock(ms: number, zone: string): LocalClock {
  const offset = offsetAt(ms, zone);
  // The wall clock is UTC shifted by the offset: its fields are read with the UTC getters.
  const wallMs = ms + offset * 60_000;
  const msOfDay = wallMs - Math.floor(wallMs / DAY_MS) * DAY_MS;
  const wall = new Date(wallMs);
  return {
    date: wall.toISOString().slice(0, 10),
    weekday: ((wall.getUTCDay() + 6) % 7) + 1,
    msOfDay,
    minuteOfDay: Math.floor(msOfDay / 60_000),
    offset,
  };
}

/**
 * Offsets are remembered per zone and hour: an hour with one offset at both ends has one throughout, since
 * offsets change on whole quarter hours in every zone in use and at most once within an hour.
 */
const OFFSET_BUCKET_MS = 60 * 60_000;
const offsets = new Map<string, number>();
const MAX_REMEMBERED_OFFSETS = 200_000;

/**
 * The zone's UTC offset in minutes at `ms`. Luxon computes it through Intl on every call, which dominated
 * policy checks in simulations, so offsets are remembered per zone and hour, but only for hours whose two ends
 * agree: an hour with a transition inside is always computed exactly.
 */
function offsetAt(ms: number, zone: string): number {
  const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
  const key = `${zone}|${bucket}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const exact = DateTime.fromMillis(ms, { zone }).offset;
  const start = DateTime.fromMillis(bucket * OFFSET_BUCKET_MS, { zone }).offset;
  const end = DateTime.fromMillis((bucket + 1) * OFFSET_BUCKET_MS - 1, { zone }).offset;
  if (start === end && start === exact) {
    if (offsets.size >= MAX_REMEMBERED_OFFSETS) offsets.clear();
    offsets.set(key, exact);
  }
  return exact;
}

/**
 * The earliest instant at or after `fromMs`, and within `horizonMs` of it, whose local wall clock in `zone`
 * satisfies `allowed`. `allowed` must only change its answer at the given local minutes of the day, at local
 * midnight, and where the UTC offset changes (DST): between those the wall clock runs evenly, so those are the
 * only instants that need to be looked at. Offset changes are found by bisection to the millisecond.
 */
export function firstLocalInstant(
  fromMs: number,
  zone: string,
  boundaryMinutes: readonly number[],
  allowed: (local: LocalClock) => boolean,
  horizonMs: number,
): number | undefined {
  const boundaries = [...new Set(boundaryMinutes.map((m) => m * 60_000))].sort((a, b) => a - b);
  let t = fromMs;
  while (t <= fromMs + horizonMs) {
    const local = localClock(t, zone);
    if (allowed(local)) return t;
    const next = boundaries.find((b) => b > local.msOfDay) ?? DAY_MS;
    const candidate = t + (next - local.msOfDay);
    if (offsetAt(candidate, zone) === local.offset) {
      t = candidate;
      continue;
    }
    let [lo, hi] = [t, candidate];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid, zone) === local.offset) lo = mid;
      else hi = mid;
    }
    t = hi;
  }
  return undefined;
}
