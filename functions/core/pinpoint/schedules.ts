import { parseDuration } from '../time/duration.ts';
import type { ScheduleTrigger } from '../triggers/schedule.ts';
import type { ObjectFindings } from './report.ts';
import { offsetMinutes, wallClockOf, zoneOfOffset } from './zones.ts';

/**
 * A Pinpoint schedule (a campaign's `Schedule`, or a segment-start journey's `Schedule` and `RefreshFrequency`)
 * as a Cairn schedule trigger (docs/journeys.md, "Scheduled triggers"), as written in a file: defaults left out.
 */
export type ScheduleOut = Omit<ScheduleTrigger, 'timezone' | 'members' | 'segment'> & {
  timezone: string;
  members?: 'everyone' | 'new';
};

/** What a schedule is read from: the times, the offset and whether they are each customer's local time. */
export type PinpointTimes = {
  StartTime?: string | undefined;
  EndTime?: string | undefined;
  Timezone?: string | undefined;
  local: boolean;
  /** Where these are in the Pinpoint object: `Schedule`. */
  where: string;
  /** Where `local` is: `Schedule.IsLocalTime` (a campaign) or `LocalTime` (a journey). */
  localPath: string;
};

/** How often it recurs: once, every fixed duration, or monthly on the start's day of the month. */
export type Recurrence = { kind: 'once' } | { kind: 'rate'; rate: string } | { kind: 'monthly' };

type Zone = { timezone: string; withoutTimezone?: string; offset: number };

/** The zone the times are read in, and the Cairn zone choice; undefined (said in the findings) when unreadable. */
function zoneOf(times: PinpointTimes, findings: ObjectFindings): Zone | undefined {
  const given = times.Timezone;
  const offset = given === undefined ? 0 : offsetMinutes(given);
  if (offset === undefined) {
    findings.skip(`${times.where}.Timezone`, `expected UTC, or UTC+HH or UTC+HH:MM, found "${given}"`);
    return undefined;
  }
  const fixed = given === undefined ? 'UTC' : zoneOfOffset(given);
  if (times.local) {
    findings.map(times.localPath, "schedule.timezone: local (each customer's own zone)");
    const without = fixed ?? 'UTC';
    findings.change(
      `${times.where}.Timezone`,
      `a customer whose profile has no time zone gets it at the same wall-clock time in ${without} ` +
        '(schedule.withoutTimezone): the API reference does not say when Pinpoint sent to an endpoint without Demographic.Timezone',
    );
    return { timezone: 'local', withoutTimezone: without, offset };
  }
  // A fixed offset has no daylight saving: a zone that keeps it gives the same instants, and so does UTC
  // with the times moved to it.
  if (fixed !== undefined) {
    findings.map(
      `${times.where}.Timezone`,
      `schedule.timezone: ${fixed}, which keeps ${given ?? 'UTC'} all year (a fixed offset has no daylight saving; write your own zone, e.g. Europe/Paris, if the times should follow it)`,
    );
    return { timezone: fixed, offset };
  }
  findings.map(
    `${times.where}.Timezone`,
    `no IANA zone keeps ${given} all year: the times are written in UTC`,
  );
  return { timezone: 'UTC', offset: 0 };
}

/** The wall-clock form of a time of the schedule, or undefined (said in the findings). */
function wallOf(iso: string, zone: Zone, path: string, findings: ObjectFindings): string | undefined {
  const wall = wallClockOf(iso, zone.offset);
  if (wall === undefined) findings.skip(path, `expected an ISO 8601 date-time, found "${iso}"`);
  return wall;
}

/**
 * The schedule trigger of a Pinpoint schedule. `immediate` stands in for a StartTime of `IMMEDIATE` (the time
 * the object was created). Undefined when the times cannot be read (said in the findings).
 */
export function scheduleOf(
  times: PinpointTimes,
  recurrence: Recurrence,
  immediate: string | undefined,
  findings: ObjectFindings,
): ScheduleOut | undefined {
  const zone = zoneOf(times, findings);
  if (!zone) return undefined;
  let startIso = times.StartTime;
  if (startIso === 'IMMEDIATE' || startIso === undefined) {
    if (immediate === undefined) {
      findings.skip(`${times.where}.StartTime`, 'no start time, and no creation date to stand for it');
      return undefined;
    }
    findings.change(
      `${times.where}.StartTime`,
      `${startIso ?? 'no start time'}: it started when it was published; written as its creation time ${immediate}`,
    );
    startIso = immediate;
  }
  const start = wallOf(startIso, zone, `${times.where}.StartTime`, findings);
  const end =
    times.EndTime === undefined ? undefined : wallOf(times.EndTime, zone, `${times.where}.EndTime`, findings);
  if (start === undefined || (times.EndTime !== undefined && end === undefined)) return undefined;
  const where = {
    timezone: zone.timezone,
    ...(zone.withoutTimezone ? { withoutTimezone: zone.withoutTimezone } : {}),
  };
  if (recurrence.kind === 'once') {
    findings.map(
      `${times.where}.StartTime`,
      `schedule.at: ${start}. A time already past does not run again in Cairn (it ran in Pinpoint)`,
    );
    if (times.EndTime !== undefined)
      findings.change(
        `${times.where}.EndTime`,
        'a one-time run enrolls its audience at its time: no end is kept',
      );
    return { at: start, ...where };
  }
  findings.map(`${times.where}.StartTime`, `schedule.start: ${start}, the first run`);
  if (end !== undefined) findings.map(`${times.where}.EndTime`, `schedule.end: ${end}, no run after it`);
  const bounds = { start, ...(end !== undefined ? { end } : {}) };
  if (recurrence.kind === 'rate') return { rate: recurrence.rate, ...bounds, ...where };
  const [date, time] = start.split('T');
  const day = Number(date?.slice(8, 10));
  const [hours, minutes] = (time ?? '00:00').split(':').map(Number);
  if (day > 28)
    findings.change(
      `${times.where}.Frequency`,
      `monthly on day ${day}: a cron day of the month runs only in the months that have it`,
    );
  return { cron: `${minutes} ${hours} ${day} * *`, ...bounds, ...where };
}

/** A refresh frequency (ISO 8601 duration) as a rate Cairn takes, or undefined (said in the findings). */
export function rateOf(duration: string, path: string, findings: ObjectFindings): string | undefined {
  if (parseDuration(duration).ok) return duration;
  findings.skip(path, `"${duration}" is not a duration Cairn takes (weeks, days, hours, minutes)`);
  return undefined;
}
