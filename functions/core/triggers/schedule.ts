import * as z from 'zod';
import type { EntryTimer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { leaf } from '../journeys/leaf.ts';
import { Duration, SegmentId } from '../journeys/schema-parts.ts';
import { localInstant } from '../time/calendar.ts';
import { type Cron, cronDay, cronMinutesOfDay, parseCron } from '../time/cron.ts';
import { parseDuration } from '../time/duration.ts';
import { isValidTimezone, localClock } from '../time/zoned.ts';

/**
 * The schedule trigger: the members of an audience (a segment, or everyone) enter at a time, once or
 * recurring, in a fixed zone or in each customer's local time. A schedule's occurrences are wall-clock
 * date-times (`2026-12-24T10:00`); each is one run, whose id is that date-time. The run resolves the audience
 * once and gives each member an entry input (runtime/audience-runs.ts, audiences/run.ts): at once, or a timer
 * at the member's own local time. This module is the language and the arithmetic; it holds no state.
 */

export const SCHEDULE_SOURCE = 'cairn.schedule';
export const SCHEDULED_ENTRY = 'Scheduled Entry';

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The zones furthest ahead of UTC (Pacific/Kiritimati, +14:00) and behind it (-12:00). */
const EARLIEST_OFFSET_MS = 14 * HOUR_MS;
const LATEST_OFFSET_MS = 12 * HOUR_MS;

/** A wall-clock date-time, without a zone: the zone is the schedule's, or each customer's. */
export const LocalDateTime = leaf(() =>
  z
    .string()
    .refine((text) => parseWall(text) !== undefined, {
      message: 'expected a local date-time as YYYY-MM-DDTHH:MM, e.g. "2026-12-24T10:00" (no zone)',
    })
    .describe('A wall-clock date and time without a zone, YYYY-MM-DDTHH:MM.'),
);

export const CronExpression = leaf(() =>
  z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parseCron(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .describe(
      'Five cron fields on the wall clock: minute hour day-of-month month day-of-week, e.g. "0 9 * * MON".',
    ),
);

export const ZoneChoice = leaf(() =>
  z.string().refine((zone) => zone === 'local' || isValidTimezone(zone), {
    message: 'expected "local" or an IANA time zone such as "Europe/London"',
  }),
);

export const ScheduleTrigger = z.lazy(() =>
  z
    .strictObject({
      segment: SegmentId.optional().describe(
        'The audience: the members of this segment when the run starts. Absent: every customer known.',
      ),
      at: LocalDateTime.optional().describe('Once, at this local date-time.'),
      cron: CronExpression.optional().describe('Recurring, at the times this cron expression names.'),
      rate: Duration.optional().describe('Recurring, every this long from start (e.g. P1W).'),
      start: LocalDateTime.optional().describe(
        'No run before this local date-time; the first run of a rate.',
      ),
      end: LocalDateTime.optional().describe('No run after this local date-time.'),
      timezone: ZoneChoice.default('local').describe(
        "local: each customer's own time zone (the profile's fallback chain); or one IANA zone for everyone.",
      ),
      withoutTimezone: ZoneChoice.refine((zone) => zone !== 'local', {
        message: 'expected "skip" or an IANA time zone',
      })
        .or(z.literal('skip'))
        .optional()
        .describe(
          'In local time, a customer whose profile has no time zone: skip them, or use this zone. ' +
            "Absent: the environment's default zone.",
        ),
      members: z
        .enum(['everyone', 'new'])
        .default('everyone')
        .describe(
          'Recurring runs: everyone in the audience at each run (subject to the entry rules), or new: only ' +
            'customers no earlier run of this journey enrolled.',
        ),
    })
    .superRefine((schedule, ctx) => {
      const forms = [schedule.at, schedule.cron, schedule.rate].filter((f) => f !== undefined).length;
      if (forms !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one of at, cron or rate' });
      if (schedule.rate !== undefined && schedule.start === undefined)
        ctx.addIssue({ code: 'custom', path: ['start'], message: 'a rate needs a start: the first run' });
      if (schedule.withoutTimezone !== undefined && schedule.timezone !== 'local')
        ctx.addIssue({
          code: 'custom',
          path: ['withoutTimezone'],
          message: 'withoutTimezone is for timezone: local only',
        });
    })
    .describe('Enroll the members of an audience at a time: once or recurring, in a zone or in local time.'),
);
export type ScheduleTrigger = z.infer<typeof ScheduleTrigger>;

/** `trigger.segment`: a customer enters when they enter the segment (its `Segment Entered` event). */
export const SegmentTrigger = z.lazy(() =>
  z
    .strictObject({
      id: SegmentId,
      enter: z
        .enum(['on-join'])
        .default('on-join')
        .describe('on-join: when the customer enters the segment.'),
    })
    .describe('Enter when the customer enters a named segment (docs/audiences.md).'),
);
export type SegmentTrigger = z.infer<typeof SegmentTrigger>;

/** One run of a schedule: its id (the occurrence's wall-clock date-time) and when it starts. */
export type ScheduledRun = { run: string; at: number };

/** Wall-clock milliseconds: the date-time's fields read as if they were UTC. */
export function parseWall(text: string): number | undefined {
  const match = WALL.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  if (y === undefined || mo === undefined || d === undefined || h === undefined || mi === undefined)
    return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(ms);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 && h < 24 && mi < 60 ? ms : undefined;
}

export function formatWall(wall: number): string {
  return new Date(wall).toISOString().slice(0, 16);
}

/** The date and time of day of a wall-clock instant, as the calendar functions take them. */
function wallParts(wall: number): { date: { year: number; month: number; day: number }; hhmm: string } {
  const d = new Date(wall);
  const hhmm = new Date(wall).toISOString().slice(11, 16);
  return { date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, hhmm };
}

/** A schedule prepared for arithmetic: its cron parsed, its rate and bounds in wall-clock milliseconds. */
export type CompiledSchedule = {
  trigger: ScheduleTrigger;
  at?: number;
  cron?: Cron;
  cronMinutes?: number[];
  rateMs?: number;
  start?: number;
  end?: number;
};

export function compileSchedule(trigger: ScheduleTrigger): CompiledSchedule {
  const cron = trigger.cron === undefined ? undefined : parseCron(trigger.cron);
  const rate = trigger.rate === undefined ? undefined : parseDuration(trigger.rate);
  const at = trigger.at === undefined ? undefined : parseWall(trigger.at);
  const start = trigger.start === undefined ? undefined : parseWall(trigger.start);
  const end = trigger.end === undefined ? undefined : parseWall(trigger.end);
  return {
    trigger,
    ...(at !== undefined ? { at } : {}),
    ...(cron?.ok ? { cron: cron.cron, cronMinutes: cronMinutesOfDay(cron.cron) } : {}),
    ...(rate?.ok ? { rateMs: rate.ms } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
  };
}

/** The schedule's occurrences (wall-clock ms) in [from, to], ascending. */
export function occurrencesIn(schedule: CompiledSchedule, from: number, to: number): number[] {
  const low = Math.max(from, schedule.start ?? Number.NEGATIVE_INFINITY);
  const high = Math.min(to, schedule.end ?? Number.POSITIVE_INFINITY);
  if (low > high) return [];
  if (schedule.at !== undefined) return schedule.at >= low && schedule.at <= high ? [schedule.at] : [];
  const found: number[] = [];
  if (schedule.rateMs !== undefined && schedule.start !== undefined) {
    const first = Math.max(0, Math.ceil((low - schedule.start) / schedule.rateMs));
    for (let t = schedule.start + first * schedule.rateMs; t <= high; t += schedule.rateMs) found.push(t);
    return found;
  }
  const { cron, cronMinutes } = schedule;
  if (!cron || !cronMinutes) return [];
  for (let day = Math.floor(low / DAY_MS) * DAY_MS; day <= high; day += DAY_MS) {
    const d = new Date(day);
    if (!cronDay(cron, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) continue;
    for (const minute of cronMinutes) {
      const t = day + minute * MINUTE_MS;
      if (t >= low && t <= high) found.push(t);
    }
  }
  return found;
}

/**
 * When the run of an occurrence starts: at the occurrence in a fixed zone; in local time, when the first zone
 * of the world (UTC+14) reaches it, so that every member's timer is set before their own time comes.
 */
export function runStart(schedule: CompiledSchedule, wall: number): number {
  const { timezone } = schedule.trigger;
  if (timezone === 'local') return wall - EARLIEST_OFFSET_MS;
  const { date, hhmm } = wallParts(wall);
  return localInstant(date, hhmm, timezone);
}

/** The runs that start in (after, upTo], earliest first. */
export function runsStartingIn(schedule: CompiledSchedule, after: number, upTo: number): ScheduledRun[] {
  if (upTo <= after) return [];
  const walls = occurrencesIn(
    schedule,
    after - LATEST_OFFSET_MS - DAY_MS,
    upTo + EARLIEST_OFFSET_MS + DAY_MS,
  );
  return walls
    .map((wall) => ({ run: formatWall(wall), at: runStart(schedule, wall) }))
    .filter((r) => r.at > after && r.at <= upTo)
    .sort((a, b) => a.at - b.at);
}

/** The first run that starts after `after`, looking at most `horizonDays` ahead. */
export function nextRunAfter(
  schedule: CompiledSchedule,
  after: number,
  horizonDays = 800,
): ScheduledRun | undefined {
  for (let span = 7; ; span *= 4) {
    const days = Math.min(span, horizonDays);
    const [first] = runsStartingIn(schedule, after, after + days * DAY_MS);
    if (first || days >= horizonDays) return first;
  }
}

/**
 * The zone whose wall clock a schedule's runs start on: the schedule's own, or, in local time, the first zone of
 * the world (UTC+14, no daylight saving time), where each occurrence's run starts (`runStart`). EventBridge
 * Scheduler evaluates a journey's schedule in this zone on AWS.
 */
export function runStartZone(schedule: CompiledSchedule): string {
  return schedule.trigger.timezone === 'local' ? 'Pacific/Kiritimati' : schedule.trigger.timezone;
}

/**
 * The run that starts at `instant`, as EventBridge Scheduler starts it on AWS (its scheduled time): the
 * occurrence whose wall-clock date-time that instant is in `runStartZone`, or undefined when the instant is no
 * run's start (before `start`, after `end`, or a time the Scheduler's expression names and the schedule does
 * not). The run id is the occurrence's date-time, as `runsStartingIn` gives it locally; a time that exists twice
 * when the clocks go back is one run, whichever of the two instants it starts at.
 */
export function runStartingAt(schedule: CompiledSchedule, instant: number): ScheduledRun | undefined {
  const offsetMinutes = localClock(instant, runStartZone(schedule)).offset;
  const wall = Math.floor((instant + offsetMinutes * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  if (occurrencesIn(schedule, wall, wall).length === 0) return undefined;
  return { run: formatWall(wall), at: runStart(schedule, wall) };
}

/**
 * When a member's entry is due for a run: the occurrence's wall-clock time in `zone` (a local time that does
 * not exist on that day moves forward by the gap), and the end of that local day, after which a late run no
 * longer enters them.
 */
export function memberDue(run: string, zone: string): { dueAt: number; dayEnds: number } {
  const wall = parseWall(run);
  if (wall === undefined) throw new Error(`not a run id: ${run}`);
  const { date, hhmm } = wallParts(wall);
  const next = wallParts(Math.floor(wall / DAY_MS) * DAY_MS + DAY_MS).date;
  return { dueAt: localInstant(date, hhmm, zone), dayEnds: localInstant(next, '00:00', zone) };
}

/** The entry input's id: `entry:<journey>:<run>:<user>`, the same however often the run is retried. */
export function entryId(journeyId: string, run: string, userId: string): string {
  return `entry:${journeyId}:${run}:${userId}`;
}

/** The event a member enters a scheduled journey with, at once (on the ingest queue) or when its timer fires. */
export function scheduledEntryEvent(
  journeyId: string,
  run: string,
  userId: string,
  now: number,
): CustomerEvent {
  const id = entryId(journeyId, run, userId);
  return {
    version: '0',
    id,
    source: SCHEDULE_SOURCE,
    'detail-type': SCHEDULED_ENTRY,
    time: new Date(now).toISOString(),
    resources: [],
    detail: { userId, eventId: id, properties: { journeyId, run } },
  };
}

/** A member's entry at their own local time: a durable timer with the entry input's id. */
export function entryTimer(journeyId: string, run: string, userId: string, dueAt: number): EntryTimer {
  return { id: entryId(journeyId, run, userId), userId, journeyId, run, dueAt, kind: 'entry' };
}

/** The run a scheduled entry is for, when the event is one. */
export function runOf(event: CustomerEvent): string | undefined {
  const run = event.detail.properties.run;
  return event.source === SCHEDULE_SOURCE && typeof run === 'string' ? run : undefined;
}

/** The pattern that stands for a schedule trigger in the catalog: the journey's own scheduled entries. */
export function scheduleTriggerPattern(journeyId: string): unknown {
  return {
    source: [SCHEDULE_SOURCE],
    'detail-type': [SCHEDULED_ENTRY],
    detail: { properties: { journeyId: [journeyId] } },
  };
}

export function describeScheduleTrigger(trigger: ScheduleTrigger): string {
  const who = trigger.segment ? `members of segment ${trigger.segment}` : 'every customer';
  const when = trigger.at
    ? `once at ${trigger.at}`
    : trigger.cron
      ? `on cron "${trigger.cron}"`
      : `every ${trigger.rate} from ${trigger.start}`;
  const bounds = [
    trigger.start && !trigger.rate ? ` from ${trigger.start}` : '',
    trigger.end ? ` until ${trigger.end}` : '',
  ].join('');
  const zone = trigger.timezone === 'local' ? ' local time' : ` ${trigger.timezone}`;
  const fallback =
    trigger.timezone === 'local'
      ? trigger.withoutTimezone === 'skip'
        ? ', customers without a zone skipped'
        : `, customers without a zone in ${trigger.withoutTimezone ?? 'the default zone'}`
      : '';
  const members = trigger.members === 'new' ? ', new members only' : '';
  return `schedule: ${who}, ${when}${bounds}${zone}${fallback}${members}`;
}
