import * as z from 'zod';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { type CompiledEventCondition, compileEventCondition, valueAtPath } from '../engine/conditions.ts';
import { engagementHolds } from '../engine/engagement.ts';
import type { TriggerRef, WaitKind, WaitTimer } from '../engine/state.ts';
import { describeEvent, describeNext, eventInWords } from '../journeys/describe-parts.ts';
import {
  CalendarOffset,
  DatePath,
  Duration,
  Engaged,
  EventCondition,
  Instant,
  LocalTime,
  NextStep,
  StepId,
  Weekday,
} from '../journeys/schema-parts.ts';
import type { Profile } from '../profile/profile.ts';
import {
  type CalendarDate,
  daysInMonth,
  localDate,
  localInstant,
  onAllowedDay,
  parseCalendarDate,
  parseCalendarOffset,
  shiftDate,
} from '../time/calendar.ts';
import { durationInWords, durationMs } from '../time/duration.ts';
import { nextLocalTime, zoneOr } from '../time/zoned.ts';
import {
  edgesAt,
  type StepContext,
  type StepDrawing,
  type StepKind,
  type StepOutcome,
  stepForms,
} from './kind.ts';

export const DurationWait = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('wait'),
      duration: Duration.describe('Wait this long.'),
      next: NextStep.optional(),
    })
    .describe('Wait for a duration.'),
);
export type DurationWait = z.infer<typeof DurationWait>;

export const Until = z.lazy(() =>
  z
    .strictObject({
      time: LocalTime.optional().describe(
        "The time of day in the customer's timezone: alone, the next such time; with date, the time on that date (00:00 when absent).",
      ),
      days: z.array(Weekday).min(1).optional().describe('Allowed weekdays; any day when absent.'),
      at: Instant.optional().describe('An absolute instant, e.g. 2026-12-24T18:00:00Z.'),
      date: DatePath.optional().describe(
        'A date read from the profile (traits.renewalDate) or the trigger event (trigger.detail.properties.renewsOn).',
      ),
      offset: CalendarOffset.optional().describe(
        'With date: this long before (-P7D) or after (P1D) the date.',
      ),
    })
    .superRefine((until, ctx) => {
      const problem = untilProblem(until);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
    })
    .describe("Wait until a local time of day, an instant, or a date of the customer's."),
);

type Until = z.infer<typeof Until>;

/** What the schema alone cannot say about an until: which fields go together. Paths are within `until`. */
function untilProblem(until: Until): { message: string; path: string[] } | undefined {
  const forms = (['time', 'at', 'date'] as const).filter((k) => until[k] !== undefined);
  const dated = until.date !== undefined;
  if (until.at !== undefined && forms.length > 1)
    return {
      message: `an until with at takes no ${forms.filter((k) => k !== 'at').join(' or ')}`,
      path: ['at'],
    };
  if (until.at !== undefined && until.days !== undefined)
    return { message: 'an until with at takes no days: the instant is the instant', path: ['days'] };
  if (forms.length === 0) return { message: 'an until needs time, at or date, e.g. time: "09:00"', path: [] };
  if (until.offset !== undefined && !dated)
    return { message: 'offset only applies with date', path: ['offset'] };
  return undefined;
}

/** Why an until on a date has no instant: the date is missing, or no date (the enrollment ends with it). */
type UntilRefusal = 'date-missing' | 'date-invalid';

/**
 * When an until ends: the next local time (`time`, `days`), an instant (`at`), or a date read from the profile
 * or the trigger event, moved by `offset`, on the first allowed day from there, at `time` (00:00 when
 * absent) in the customer's zone. A yearless date (`--MM-DD`) is its next occurrence. The result may be in the
 * past: the wait then ends at once.
 */
function untilInstant(
  until: Until,
  at: { now: number; zone: string; profile: Profile; trigger: TriggerRef },
): number | { refused: UntilRefusal } {
  if (until.at !== undefined) return Date.parse(until.at);
  if (until.date === undefined) return nextLocalTime(at.now, at.zone, until.time ?? '00:00', until.days);
  const [root, ...path] = until.date.split('.');
  const value =
    root === 'trigger' ? valueAtPath(at.trigger, path) : valueAtPath(at.profile, [root ?? '', ...path]);
  if (value === undefined || value === null || value === '') return { refused: 'date-missing' };
  const parsed = parseCalendarDate(value);
  if (!parsed.ok) return { refused: 'date-invalid' };
  const offset = until.offset === undefined ? undefined : parseCalendarOffset(until.offset);
  const shift = offset?.ok ? offset.offset : { years: 0, months: 0, weeks: 0, days: 0 };
  const instantIn = (year: number) => {
    const day = onAllowedDay(shiftDate(inYear(parsed.date, year), shift), until.days);
    return localInstant(day, until.time ?? '00:00', at.zone);
  };
  if (parsed.date.year !== undefined) return instantIn(parsed.date.year);
  const thisYear = localDate(at.now, at.zone).year;
  const soon = instantIn(thisYear);
  return soon >= at.now ? soon : instantIn(thisYear + 1);
}

/** A date in a year; 29 February is 28 February in a common year. */
function inYear(date: CalendarDate, fallbackYear: number): Required<CalendarDate> {
  const year = date.year ?? fallbackYear;
  return { year, month: date.month, day: Math.min(date.day, daysInMonth(year, date.month)) };
}

function describeUntil(until: Until): string {
  const days = until.days ? ` on ${until.days.join(',')}` : '';
  if (until.at !== undefined) return until.at;
  if (until.date === undefined) return `${until.time} local time${days}`;
  const offset = until.offset ? ` ${until.offset}` : '';
  return `${until.date}${offset} at ${until.time ?? '00:00'} local time${days}`;
}

export const UntilWait = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('wait'),
      until: Until,
      next: NextStep.optional(),
    })
    .describe('Wait until a local time of day, an instant, or a date.'),
);
export type UntilWait = z.infer<typeof UntilWait>;

export const EventWait = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('wait'),
      event: EventCondition.unwrap().describe('Wait until a matching event arrives.'),
      timeout: Duration.describe('How long to wait for the event before taking onTimeout.'),
      onTimeout: StepId.optional().describe(
        'The step to take when the timeout passes. Without it the enrollment completes then.',
      ),
      next: StepId.optional().describe(
        'The step to take when the event arrives. Without it the enrollment completes then.',
      ),
    })
    .describe('Wait for an event, with a timeout.'),
);
export type EventWait = z.infer<typeof EventWait>;

export const EngagementWait = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('wait'),
      engagement: z
        .strictObject({
          step: StepId.describe('A send step of this journey: its latest message in this enrollment counts.'),
          is: Engaged,
        })
        .describe('Wait until the message of that send step has this engagement (docs/journeys.md).'),
      timeout: Duration.describe('How long to wait for the engagement before taking onTimeout.'),
      onTimeout: StepId.optional().describe(
        'The step to take when the timeout passes. Without it the enrollment completes then.',
      ),
      next: StepId.optional().describe(
        'The step to take when the engagement is seen. Without it the enrollment completes then.',
      ),
    })
    .describe(
      'Wait for engagement with a message this enrollment sent (opened, clicked...), with a timeout.',
    ),
);
export type EngagementWait = z.infer<typeof EngagementWait>;

/** The keys that choose a wait's form: exactly one of them. */
const FORM_KEYS = ['duration', 'until', 'event', 'engagement'] as const;

/** The forms that end early, when what they wait for arrives, and so need a timeout. */
const AWAITING: ReadonlySet<string> = new Set(['event', 'engagement']);

/**
 * What is wrong with a wait that has the keys of no form; undefined when its keys are one form's (a value is
 * wrong then, which the form's own problems say).
 */
export function waitFormProblem(raw: unknown): string | undefined {
  const forms = FORM_KEYS.filter((k) => valueAt(raw, [k]) !== undefined);
  const [form] = forms;
  if (form === undefined || forms.length > 1) {
    const found = forms.length === 0 ? 'none' : forms.join(' and ');
    return `a wait step needs exactly one of duration, until, event or engagement, found ${found}`;
  }
  if (AWAITING.has(form))
    return valueAt(raw, ['timeout']) === undefined
      ? `a wait for ${form === 'event' ? 'an event' : 'engagement'} needs a timeout, e.g. "timeout: P1D" (and onTimeout: the step to take then)`
      : undefined;
  const misplaced = (['timeout', 'onTimeout'] as const).filter((k) => valueAt(raw, [k]) !== undefined);
  if (misplaced.length === 0) return undefined;
  const verb = misplaced.length === 1 ? 'applies' : 'apply';
  return `${misplaced.join(' and ')} only ${verb} to a wait for an event or engagement, not to a wait with ${form}`;
}

/** A wait step: one of its forms, each with exactly its own fields. */
export const WaitStep = z.lazy(() =>
  stepForms(
    'wait',
    [DurationWait.unwrap(), UntilWait.unwrap(), EventWait.unwrap(), EngagementWait.unwrap()],
    {
      description:
        'Wait for a duration, until a local time of day, or for an event or engagement (with a timeout).',
      problem: waitFormProblem,
    },
  ),
);
export type WaitStep = z.infer<typeof WaitStep>;

/** When the wait ends, and what its end does (WaitKind); or why it cannot be known (a date that is no date). */
function endOf(
  step: WaitStep,
  context: StepContext,
): { dueAt: number; kind: WaitKind } | { refused: UntilRefusal } {
  const { now } = context;
  if ('until' in step) {
    const zone = zoneOr(context.state.profile.timezone, context.defaultTimezone);
    const dueAt = untilInstant(step.until, {
      now,
      zone,
      profile: context.state.profile,
      trigger: context.enrollment.trigger,
    });
    return typeof dueAt === 'number' ? { dueAt, kind: 'until' } : dueAt;
  }
  if ('event' in step) return { dueAt: now + durationMs(step.timeout), kind: 'event' };
  if ('engagement' in step) return { dueAt: now + durationMs(step.timeout), kind: 'engagement' };
  return { dueAt: now + durationMs(step.duration), kind: 'duration' };
}

/**
 * Schedules the timer that ends the wait and stops. What happens when it ends is engine.ts's: a due timer
 * takes `next` (or `onTimeout` for a wait for an event or engagement), and a matching event or the awaited
 * engagement takes `next` early. Engagement already seen needs no wait: the step goes on to `next` at once.
 */
function execute(
  step: WaitStep,
  _awaited: CompiledEventCondition | undefined,
  context: StepContext,
): StepOutcome {
  const { now, state, journey, enrollment } = context;
  if ('engagement' in step && engagementHolds(enrollment, step.engagement.step, step.engagement.is))
    return { next: step.next };
  const end = endOf(step, context);
  if ('refused' in end) {
    context.end(end.refused);
    return 'stop';
  }
  const { dueAt, kind } = end;
  // A date already past ends the wait at once: no timer for it.
  if (dueAt < now && 'until' in step) return { next: step.next };
  const timer: WaitTimer = {
    id: `${enrollment.id}:${step.id}:${enrollment.visits}`,
    userId: state.userId,
    enrollmentId: enrollment.id,
    journeyId: journey.id,
    stepId: step.id,
    dueAt,
    kind,
  };
  enrollment.wait = { stepId: step.id, timerId: timer.id, dueAt, kind };
  context.emit({ at: now, userId: state.userId, type: 'timer-scheduled', timer });
  return 'stop';
}

function describe(step: WaitStep): string {
  if ('duration' in step) return `wait ${step.duration}${describeNext(step.next)}`;
  if ('until' in step) return `wait until ${describeUntil(step.until)}${describeNext(step.next)}`;
  const awaited =
    'event' in step ? describeEvent(step.event) : `${step.engagement.step} ${step.engagement.is}`;
  return `wait for ${awaited}${describeNext(step.next)}; after ${step.timeout}${describeNext(step.onTimeout)}`;
}

function draw(step: WaitStep): StepDrawing {
  if ('duration' in step)
    return { label: `wait ${durationInWords(step.duration)}`, ways: [{ to: step.next, kind: 'next' }] };
  if ('until' in step)
    return { label: `wait until ${describeUntil(step.until)}`, ways: [{ to: step.next, kind: 'next' }] };
  const [label, arrived] =
    'event' in step
      ? [`wait for ${eventInWords(step.event)}`, 'arrived']
      : [`wait for ${step.engagement.step} ${step.engagement.is}`, step.engagement.is];
  return {
    label,
    ways: [
      { to: step.next, kind: 'next', label: arrived },
      { to: step.onTimeout, kind: 'timeout', label: `not within ${durationInWords(step.timeout)}` },
    ],
  };
}

export const wait: StepKind<typeof WaitStep, CompiledEventCondition | undefined> = {
  type: 'wait',
  schema: WaitStep,
  waits: true,
  edges: (raw) => edgesAt(raw, [['next'], ['onTimeout']]),
  patterns: () => [['event', 'pattern']],
  engagements: () => [['engagement']],
  compile: (step, where) => ('event' in step ? compileEventCondition(step.event, where) : undefined),
  awaits: (awaited) => awaited,
  execute,
  describe,
  draw,
};
