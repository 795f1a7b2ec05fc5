import {
  compileSchedule,
  memberDue,
  nextRunAfter,
  parseWall,
  ScheduleTrigger,
} from '../triggers/schedule.ts';
import { START } from './journey-paths.ts';
import type { JourneyOut } from './journeys.ts';

/**
 * When the generated test of an imported journey or campaign (journey-tests.ts) starts, and when its customer
 * enters: an event or segment trigger at a fixed Monday morning moved into the journey's window; a schedule
 * at its first run, worked out by the schedule trigger's own arithmetic (triggers/schedule.ts), for a
 * customer in UTC (the test's profiles are).
 */
export type Timing = {
  /** The test's start. */
  start: number;
  /** When the customer enters. */
  enteredAt: number;
  /** The latest the test may run to: before the next run would enroll the customer again. */
  latest?: number;
  /** Whether a run enrolls the customer (no entry event is sent). */
  scheduled: boolean;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function eventTiming(journey: JourneyOut): Timing {
  const from = journey.schedule?.start === undefined ? undefined : Date.parse(journey.schedule.start);
  const to = journey.schedule?.end === undefined ? undefined : Date.parse(journey.schedule.end);
  let start = START;
  if (from !== undefined && start < from) start = from + HOUR;
  if (to !== undefined && start >= to) start = Math.max(from ?? -Infinity, to - DAY);
  return { start, enteredAt: start, scheduled: false };
}

/** The timing of the journey's test, or why no test can be made. */
export function timingOf(journey: JourneyOut): Timing | { skipped: string } {
  const input = journey.trigger.schedule;
  if (input === undefined) return eventTiming(journey);
  const parsed = ScheduleTrigger.safeParse(input);
  if (!parsed.success) return { skipped: 'its schedule does not parse' };
  const schedule = compileSchedule(parsed.data);
  const first = parseWall(parsed.data.at ?? parsed.data.start ?? '') ?? START;
  const run = nextRunAfter(schedule, first - 2 * DAY);
  if (!run) return { skipped: 'its schedule has no run' };
  const zone = parsed.data.timezone === 'local' ? 'UTC' : parsed.data.timezone;
  const enteredAt = memberDue(run.run, zone).dueAt;
  // A later run enrolls the customer again only with members: everyone and an entry rule that lets them in.
  const again = parsed.data.members === 'everyone' && (journey.entry?.reentry ?? 'never') !== 'never';
  const next = again ? nextRunAfter(schedule, run.at) : undefined;
  const latest = next ? memberDue(next.run, zone).dueAt - MINUTE : undefined;
  return { start: run.at - HOUR, enteredAt, ...(latest !== undefined ? { latest } : {}), scheduled: true };
}
