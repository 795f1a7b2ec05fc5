import type { Cron } from '../../functions/core/time/cron.ts';
import { type CompiledSchedule, formatWall, runStartZone } from '../../functions/core/triggers/schedule.ts';

/** An EventBridge Scheduler expression and the zone it is evaluated in (ScheduleExpressionTimezone). */
export type SchedulerExpression = { expression: string; timeZone: string };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * When EventBridge Scheduler starts a scheduled journey's run on AWS: at the start of each of its runs, on the
 * wall clock of `runStartZone` (the schedule's zone, or UTC+14 for local time, where each run starts). The
 * expression names every run's start, and sometimes more: a cron restricting both the day of the month and the
 * day of the week (either matches, as in Unix cron; AWS takes one of the two) fires daily, a rate of several
 * days daily, an hourly rate hourly. The run's first step keeps only the times that start a run of the schedule
 * (`runStartingAt`, core/triggers/schedule.ts) and skips the others as `not-a-run`: one Step Functions
 * execution of three state transitions each.
 */
export function schedulerExpression(schedule: CompiledSchedule): SchedulerExpression {
  const timeZone = runStartZone(schedule);
  if (schedule.at !== undefined) return { expression: `at(${formatWall(schedule.at)}:00)`, timeZone };
  if (schedule.cron) return { expression: cronOf(schedule.cron), timeZone };
  if (schedule.rateMs !== undefined && schedule.start !== undefined)
    return { expression: rateCron(schedule.rateMs, schedule.start), timeZone };
  throw new Error(`a schedule without at, cron or rate: ${JSON.stringify(schedule.trigger)}`);
}

/** Cairn's five cron fields as Scheduler's six (day of week 1-7 from Sunday, `?` for the day left open). */
function cronOf(cron: Cron): string {
  const bothDays = cron.dayRestricted && cron.weekdayRestricted;
  const days =
    cron.dayRestricted && !bothDays ? field(cron.days, 31) : bothDays || !cron.weekdayRestricted ? '*' : '?';
  const weekdays =
    cron.weekdayRestricted && !bothDays ? field(new Set([...cron.weekdays].map((day) => day + 1)), 7) : '?';
  return `cron(${field(cron.minutes, 60)} ${field(cron.hours, 24)} ${days} ${field(cron.months, 12)} ${weekdays} *)`;
}

/**
 * A rate's runs as a cron: a week at the start's weekday and time, a whole number of days daily at the start's
 * time, of hours hourly at its minute, of minutes at its minute in every step of their greatest common divisor
 * with the hour. Wall-clock, as the rate is (`occurrencesIn`): a daily run stays at its time across DST.
 */
function rateCron(rateMs: number, start: number): string {
  const at = new Date(start);
  const minute = at.getUTCMinutes();
  const hour = at.getUTCHours();
  if (rateMs === WEEK_MS) return `cron(${minute} ${hour} ? * ${at.getUTCDay() + 1} *)`;
  if (rateMs % DAY_MS === 0) return `cron(${minute} ${hour} * * ? *)`;
  if (rateMs % HOUR_MS === 0) return `cron(${minute} * * * ? *)`;
  const step = gcd(Math.round(rateMs / MINUTE_MS), 60);
  return `cron(${minute % step}/${step} * * * ? *)`;
}

/** A cron field: `*` when every value is in, else the values as ranges (`1-5,10`), so the expression stays short. */
function field(values: ReadonlySet<number>, size: number): string {
  if (values.size >= size) return '*';
  const sorted = [...values].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    ranges.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
