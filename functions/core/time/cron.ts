/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), read on a wall clock: a schedule's
 * occurrences are local date-times, which a run turns into instants per zone (triggers/schedule.ts). Fields take
 * `*`, numbers, ranges (`1-5`), steps (`*\/15`, `0-30/10`) and lists (`1,15`); months and weekdays also take
 * names (`JAN`, `MON`), and weekday 0 and 7 are both Sunday. When both day-of-month and day-of-week are
 * restricted, a day matching either counts, as in Unix cron.
 */

export type Cron = {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 (Sunday) to 6. */
  weekdays: ReadonlySet<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
};

export type CronParse = { ok: true; cron: Cron } | { ok: false; message: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type FieldSpec = { name: string; min: number; max: number; names?: readonly string[]; nameBase?: number };

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

export function parseCron(text: string): CronParse {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5)
    return {
      ok: false,
      message: `expected 5 cron fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * MON", got ${parts.length}`,
    };
  const sets: Set<number>[] = [];
  for (const [index, spec] of FIELDS.entries()) {
    const field = parts[index] ?? '';
    const parsed = parseField(field, spec);
    if (typeof parsed === 'string') return { ok: false, message: `cron ${spec.name} "${field}": ${parsed}` };
    sets.push(parsed);
  }
  const [minutes, hours, days, months, rawWeekdays] = sets;
  if (!minutes || !hours || !days || !months || !rawWeekdays) return { ok: false, message: 'invalid cron' };
  const weekdays = new Set([...rawWeekdays].map((d) => d % 7));
  return {
    ok: true,
    cron: {
      minutes,
      hours,
      days,
      months,
      weekdays,
      dayRestricted: parts[2] !== '*',
      weekdayRestricted: parts[4] !== '*',
    },
  };
}

function parseField(field: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `expected a step of 1 or more after "/"`;
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const [low = '', high] = range.split('-');
      const start = fieldValue(low, spec);
      const end = high === undefined ? (stepText === undefined ? start : spec.max) : fieldValue(high, spec);
      if (start === undefined || end === undefined)
        return `expected numbers ${spec.min}-${spec.max}${spec.names ? ` or names (${spec.names.slice(0, 3).join(', ')}...)` : ''}`;
      if (end < start) return `a range must go upwards, got ${range}`;
      from = start;
      to = end;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function fieldValue(text: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= spec.min && value <= spec.max ? value : undefined;
}

/** Whether a date (UTC fields of a wall-clock day) is a day the cron runs on. */
export function cronDay(cron: Cron, year: number, month: number, day: number): boolean {
  if (!cron.months.has(month)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const dayOk = cron.days.has(day);
  const weekdayOk = cron.weekdays.has(weekday);
  if (cron.dayRestricted && cron.weekdayRestricted) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}

/** The minutes of a day (0 to 1439) at which the cron runs, ascending. */
export function cronMinutesOfDay(cron: Cron): number[] {
  const minutes: number[] = [];
  for (const hour of [...cron.hours].sort((a, b) => a - b))
    for (const minute of [...cron.minutes].sort((a, b) => a - b)) minutes.push(hour * 60 + minute);
  return minutes;
}
