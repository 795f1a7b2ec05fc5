import { DateTime } from 'luxon';

/**
 * Calendar dates and their occurrences: birthdays, anniversaries, renewals. A date here is a day on the
 * calendar with no zone ("1992-02-29"); it becomes an instant only at a local time in a customer's zone.
 */

/** A calendar date; `year` is absent for a yearless date (`--MM-DD`), which only recurs. */
export type CalendarDate = { year?: number; month: number; day: number };

export type CalendarDateParse = { ok: true; date: CalendarDate } | { ok: false; reason: 'date-invalid' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YEARLESS = /^--(\d{2})-(\d{2})$/;

/**
 * Reads a date from a profile or event value: `YYYY-MM-DD`; the date part of an ISO date-time, as written
 * (`2027-03-01T23:30:00-05:00` is 1 March, whatever the customer's zone); or `--MM-DD`, a date with no year
 * (ISO 8601:2000), which recurs yearly or monthly. The day must exist: 1990-02-29 does not, 1992-02-29 does
 * (a yearless --02-29 does too). Anything else (numbers, other formats) is `date-invalid`.
 */
export function parseCalendarDate(value: unknown): CalendarDateParse {
  if (typeof value !== 'string') return { ok: false, reason: 'date-invalid' };
  const full = ISO_DATE.exec(value);
  if (full) {
    const [year, month, day] = [Number(full[1]), Number(full[2]), Number(full[3])];
    return dayExists(year, month, day)
      ? { ok: true, date: { year, month, day } }
      : { ok: false, reason: 'date-invalid' };
  }
  const yearless = YEARLESS.exec(value);
  if (yearless) {
    const [month, day] = [Number(yearless[1]), Number(yearless[2])];
    // 2000 is a leap year: every day that exists in some year exists in it.
    return dayExists(2000, month, day)
      ? { ok: true, date: { month, day } }
      : { ok: false, reason: 'date-invalid' };
  }
  return { ok: false, reason: 'date-invalid' };
}

function dayExists(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A date as YYYY-MM-DD. */
export function formatDate({ year, month, day }: Required<CalendarDate>): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A calendar offset: a signed ISO-8601 duration in years, months, weeks and days, e.g. `-P7D`, `P1M`, `-P1Y2M`.
 * Months and years are calendar units here (a date moves to the same day of another month, or that month's
 * last day when it has fewer days), which is why they are allowed in offsets and not in waits.
 */
export type CalendarOffset = { years: number; months: number; weeks: number; days: number };

const OFFSET = /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

export type CalendarOffsetParse = { ok: true; offset: CalendarOffset } | { ok: false; message: string };

export function parseCalendarOffset(text: string): CalendarOffsetParse {
  const match = OFFSET.exec(text);
  if (!match || /P$/.test(text)) {
    return {
      ok: false,
      message: `expected a calendar offset in years, months, weeks or days such as -P7D, P1M or -P1Y, got "${text}"`,
    };
  }
  const sign = match[1] === '-' ? -1 : 1;
  // "+ 0" turns -0 into 0.
  const part = (i: number) => sign * Number(match[i] ?? 0) + 0;
  return { ok: true, offset: { years: part(2), months: part(3), weeks: part(4), days: part(5) } };
}

/** Moves a date by a calendar offset; a day past the end of the month it lands in becomes that month's last. */
export function shiftDate(date: Required<CalendarDate>, offset: CalendarOffset): Required<CalendarDate> {
  const monthIndex = date.year * 12 + (date.month - 1) + offset.years * 12 + offset.months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const day = Math.min(date.day, daysInMonth(year, month));
  const shifted = new Date(Date.UTC(year, month - 1, day + offset.weeks * 7 + offset.days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * The instant of a local time on a date in a zone. A local time that does not exist (the hour skipped when
 * DST starts, e.g. 02:30 on a spring-forward night) is moved forward by the gap (03:30); one that exists
 * twice (when DST ends) is the later of the two (Luxon's choice, which tests pin).
 */
export function localInstant(date: Required<CalendarDate>, hhmm: string, zone: string): number {
  const [hour, minute] = hhmm.split(':').map(Number);
  return DateTime.fromObject({ ...date, hour, minute }, { zone }).toMillis();
}

/** The date an instant falls on in a zone. */
export function localDate(ms: number, zone: string): Required<CalendarDate> {
  const local = DateTime.fromMillis(ms, { zone });
  return { year: local.year, month: local.month, day: local.day };
}

/** The journey language's Weekday, spelt out here so that schema-parts.ts can import this module. */
type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

const WEEKDAY_NUMBER: Record<Weekday, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** The first date on or after `date` that falls on one of `days` (the date itself when `days` is absent). */
export function onAllowedDay(
  date: Required<CalendarDate>,
  days?: readonly Weekday[],
): Required<CalendarDate> {
  if (!days || days.length === 0) return date;
  const allowed = new Set(days.map((d) => WEEKDAY_NUMBER[d]));
  for (let step = 0; step < 7; step++) {
    const candidate = shiftDate(date, { years: 0, months: 0, weeks: 0, days: step });
    const weekday =
      ((new Date(Date.UTC(candidate.year, candidate.month - 1, candidate.day)).getUTCDay() + 6) % 7) + 1;
    if (allowed.has(weekday)) return candidate;
  }
  return date;
}

export type Recurrence = 'yearly' | 'monthly' | 'once';

/**
 * The date a recurring date falls on in period `index`: a year for `yearly`, a month (year * 12 + month - 1)
 * for `monthly`. 29 February falls on 28 February in other years, and the 29th to 31st on the month's last
 * day in shorter months.
 */
function anchorIn(
  date: CalendarDate,
  recurrence: 'yearly' | 'monthly',
  index: number,
): Required<CalendarDate> {
  const year = recurrence === 'yearly' ? index : Math.floor(index / 12);
  const month = recurrence === 'yearly' ? date.month : (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** How a date recurs and at which local time, in whose zone; what a date trigger (triggers/date.ts) asks. */
export type OccurrenceRule = {
  recurrence: Recurrence;
  offset: CalendarOffset;
  /** HH:MM, local. */
  at: string;
  zone: string;
  /** What a passed occurrence not yet run does: `skip` it, or `run` it now while its day lasts. */
  ifPast: 'skip' | 'run';
};

/** One occurrence: the date it is about (`anchor`, YYYY-MM-DD: the birthday of that year) and when it falls due. */
export type Occurrence = { anchor: string; dueAt: number };

export type NextOccurrence = Occurrence | { none: 'date-passed' | 'date-without-year' };

/**
 * The next occurrence of `date` under `rule` at `now`, after the occurrence `after` (an anchor) when one has
 * run already. An occurrence falls due at `rule.at` local time on its anchor moved by the offset. One that
 * has passed is skipped, or, with `ifPast: run`, runs now (`dueAt` = `now`) as long as the local day of its
 * anchor or of its due date, whichever is later, has not ended: a birthday entered at noon on the day still
 * gets its 09:00 message, one entered the next day waits for next year.
 */
export function nextOccurrence(
  date: CalendarDate,
  rule: OccurrenceRule,
  now: number,
  after?: string,
): NextOccurrence {
  if (rule.recurrence === 'once') {
    if (date.year === undefined) return { none: 'date-without-year' };
    const anchor = { year: date.year, month: date.month, day: date.day };
    return occurrenceAt(anchor, rule, now, after) ?? { none: 'date-passed' };
  }
  const recurrence = rule.recurrence;
  // Start a period before the one whose anchor is today moved back by the offset, so that no occurrence due
  // now or later is missed; a few periods on always reach one in the future.
  const today = localDate(now, rule.zone);
  const back = shiftDate(today, negate(rule.offset));
  const first = recurrence === 'yearly' ? back.year - 1 : back.year * 12 + back.month - 2;
  for (let index = first; index < first + 6; index++) {
    const found = occurrenceAt(anchorIn(date, recurrence, index), rule, now, after);
    if (found) return found;
  }
  return { none: 'date-passed' };
}

function occurrenceAt(
  anchor: Required<CalendarDate>,
  rule: OccurrenceRule,
  now: number,
  after: string | undefined,
): Occurrence | undefined {
  const key = formatDate(anchor);
  if (after !== undefined && key <= after) return undefined;
  const dueDate = shiftDate(anchor, rule.offset);
  const dueAt = localInstant(dueDate, rule.at, rule.zone);
  if (dueAt >= now) return { anchor: key, dueAt };
  if (rule.ifPast === 'skip') return undefined;
  const lastDay = formatDate(dueDate) > key ? dueDate : anchor;
  const dayEnds = DateTime.fromObject(lastDay, { zone: rule.zone }).plus({ days: 1 }).toMillis();
  return now < dayEnds ? { anchor: key, dueAt: now } : undefined;
}

function negate(offset: CalendarOffset): CalendarOffset {
  return { years: -offset.years, months: -offset.months, weeks: -offset.weeks, days: -offset.days };
}
