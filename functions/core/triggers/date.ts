import * as z from 'zod';
import { fingerprint } from '../engine/bucket.ts';
import { valueAtPath } from '../engine/conditions.ts';
import type { DateSchedule, DateTimer } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import { leaf } from '../journeys/leaf.ts';
import { CalendarOffset, LocalTime, TraitPath } from '../journeys/schema-parts.ts';
import type { Profile } from '../profile/profile.ts';
import {
  nextOccurrence,
  type CalendarOffset as Offset,
  parseCalendarDate,
  parseCalendarOffset,
} from '../time/calendar.ts';

/**
 * The date trigger: a journey entered on a date the profile holds (a birthday, an anniversary, a renewal),
 * moved by an offset, at a local time, once or every year or month. Each customer has one timer per such
 * journey, at their next occurrence, kept in their state (`dates`) and computed again only when the date, the
 * zone or the journey changes; a timer the state no longer names is stale and does nothing when it fires.
 */

export const DATE_SOURCE = 'cairn.calendar';
export const DATE_REACHED = 'Date Reached';

export const Recurrence = leaf(() =>
  z
    .enum(['yearly', 'monthly', 'once'])
    .describe(
      'yearly: every year on the day and month. monthly: every month on the day. once: on the date itself.',
    ),
);

export const DateTrigger = z.lazy(() =>
  z
    .strictObject({
      attribute: TraitPath.describe(
        'The profile trait holding the date, e.g. traits.birthday (YYYY-MM-DD or --MM-DD).',
      ),
      recurrence: Recurrence,
      offset: CalendarOffset.optional().describe(
        'Enter this long before (-P7D) or after (P1D) each occurrence.',
      ),
      at: LocalTime.optional().describe(
        "The local time of day of entry, in the customer's timezone; 00:00 when absent.",
      ),
      ifPast: z
        .enum(['skip', 'run'])
        .optional()
        .describe(
          'An occurrence already past when the date is first seen or changed. skip (default): wait for the next. ' +
            'run: enter now, while the local day of the date (or of the entry, when later) lasts.',
        ),
    })
    .describe("Enter on a date the profile holds, at a local time in the customer's timezone."),
);
export type DateTrigger = z.infer<typeof DateTrigger>;

/** Why a customer has no timer for a date trigger: reported once per change, as a not-enrolled reason. */
export type DateRefusal = 'date-missing' | 'date-invalid' | 'date-passed' | 'date-without-year';

/** What a customer's date schedule becomes: the new schedule, a timer to set when it is new, or a reason. */
export type DatePlan = { schedule: DateSchedule; timer?: DateTimer; refused?: DateRefusal };

export type DateJourney = { id: string; version: string; trigger: DateTrigger };

/**
 * The customer's next occurrence of a journey's date trigger, given their schedule so far. Undefined when
 * nothing it depends on changed since it was computed (the same date re-sent schedules nothing). The timer id
 * is derived from the journey, the customer, the occurrence and its due time, so that computing it again gives
 * the same timer.
 */
export function planDate(
  journey: DateJourney,
  customer: { userId: string; profile: Profile; zone: string },
  now: number,
  previous: DateSchedule | undefined,
): DatePlan | undefined {
  const { trigger } = journey;
  const value = valueAtPath(customer.profile, attributePath(trigger.attribute));
  const known = previous && plannedFrom.get(previous);
  if (known?.version === journey.version && known.value === value && known.zone === customer.zone)
    return undefined;
  const inputs = { version: journey.version, value, zone: customer.zone };
  // A fingerprint, not the text: the schedule is stored in every write of the customer's state.
  const basis = fingerprint(JSON.stringify([journey.version, value ?? null, customer.zone]));
  if (previous?.basis === basis) {
    remember(previous, inputs);
    return undefined;
  }
  const plan = planFrom(journey, customer, now, previous, value, basis);
  remember(plan.schedule, inputs);
  return plan;
}

/** What a schedule's basis was computed from. */
type PlanInputs = { version: string; value: unknown; zone: string };

/**
 * The inputs of schedules whose basis is known, by schedule: a customer's schedule stays the same object from
 * input to input until it changes, so that an input that changed none of its inputs (nearly every one) is
 * told so without writing out and hashing them again. Primitive values only: an object is compared by its
 * fingerprint.
 */
const plannedFrom = new WeakMap<DateSchedule, PlanInputs>();

function remember(schedule: DateSchedule, inputs: PlanInputs): void {
  if (schedule.basis !== undefined && (inputs.value === null || typeof inputs.value !== 'object'))
    plannedFrom.set(schedule, inputs);
}

/** A trigger's attribute as a path, split once per attribute (a journey's trigger names one). */
function attributePath(attribute: string): readonly string[] {
  let path = attributePaths.get(attribute);
  if (path === undefined) {
    path = attribute.split('.');
    if (attributePaths.size < MAX_ATTRIBUTE_PATHS) attributePaths.set(attribute, path);
  }
  return path;
}

const attributePaths = new Map<string, readonly string[]>();
/** Bounded, though the attributes come from the journeys deployed, not from events. */
const MAX_ATTRIBUTE_PATHS = 1_000;

function planFrom(
  journey: DateJourney,
  customer: { userId: string; profile: Profile; zone: string },
  now: number,
  previous: DateSchedule | undefined,
  value: unknown,
  basis: number,
): DatePlan {
  const { trigger } = journey;
  const base: DateSchedule = { basis, ...(previous?.last !== undefined ? { last: previous.last } : {}) };
  if (value === undefined || value === null || value === '')
    return { schedule: base, refused: 'date-missing' };
  const parsed = parseCalendarDate(value);
  if (!parsed.ok) return { schedule: base, refused: parsed.reason };
  const rule = {
    recurrence: trigger.recurrence,
    offset: offsetOf(trigger),
    at: trigger.at ?? '00:00',
    zone: customer.zone,
    ifPast: trigger.ifPast ?? 'skip',
  };
  const next = nextOccurrence(parsed.date, rule, now, previous?.last);
  // A date that happens once and has happened for this customer is done, not refused.
  if ('none' in next)
    return trigger.recurrence === 'once' && base.last
      ? { schedule: base }
      : { schedule: base, refused: next.none };
  const id = `date:${journey.id}:${customer.userId}:${next.anchor}:${next.dueAt}`;
  const timer = { id, dueAt: next.dueAt, occurrence: next.anchor };
  if (previous?.timer?.id === id) return { schedule: { ...base, timer } };
  return {
    schedule: { ...base, timer },
    timer: { ...timer, userId: customer.userId, journeyId: journey.id, kind: 'date' },
  };
}

function offsetOf(trigger: DateTrigger): Offset {
  const parsed = trigger.offset === undefined ? undefined : parseCalendarOffset(trigger.offset);
  return parsed?.ok ? parsed.offset : { years: 0, months: 0, weeks: 0, days: 0 };
}

/**
 * The schedule after its timer fired: the occurrence is remembered as the last, and no basis, so that the next
 * occurrence is computed at the end of the same input.
 */
export function firedSchedule(timer: DateTimer): DateSchedule {
  return { last: timer.occurrence };
}

/**
 * The event a fired date timer enters the journey with: what templates see as `event`, and what conditions on
 * the trigger match. Its id is derived from the occurrence, so that the enrollment's id is too.
 */
export function dateEvent(
  timer: DateTimer,
  trigger: DateTrigger,
  profile: Profile,
  now: number,
): CustomerEvent {
  const value = valueAtPath(profile, attributePath(trigger.attribute));
  return {
    version: '0',
    id: `date:${timer.journeyId}:${timer.userId}:${timer.occurrence}`,
    source: DATE_SOURCE,
    'detail-type': DATE_REACHED,
    time: new Date(now).toISOString(),
    resources: [],
    detail: {
      userId: timer.userId,
      properties: {
        journeyId: timer.journeyId,
        attribute: trigger.attribute,
        date: typeof value === 'string' ? value : null,
        occurrence: timer.occurrence,
      },
    },
  };
}

/** A date trigger's entries are keyed by occurrence: `reentry: never` then means once per occurrence. */
export function occurrenceKey(event: CustomerEvent): string | undefined {
  const occurrence = event.detail.properties.occurrence;
  return event.source === DATE_SOURCE && typeof occurrence === 'string' ? occurrence : undefined;
}

/** The pattern that stands for a date trigger in the catalog; the engine enters date journeys only by timer. */
export function dateTriggerPattern(journeyId: string): unknown {
  return {
    source: [DATE_SOURCE],
    'detail-type': [DATE_REACHED],
    detail: { properties: { journeyId: [journeyId] } },
  };
}

export function describeDateTrigger(trigger: DateTrigger): string {
  const offset = trigger.offset ? ` ${trigger.offset}` : '';
  const past = trigger.ifPast === 'run' ? ', a passed date runs now' : '';
  return `date ${trigger.attribute}${offset} ${trigger.recurrence} at ${trigger.at ?? '00:00'} local${past}`;
}
