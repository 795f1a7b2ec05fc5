import * as z from 'zod';
import { parseCalendarOffset } from '../time/calendar.ts';
import { parseDuration } from '../time/duration.ts';
import { Channel, LifecycleStage } from './enums.ts';
import { leaf } from './leaf.ts';

export { Channel, LifecycleStage };

/**
 * The parts of the journey language that the step kinds (functions/core/steps/) share with the rest of it.
 * They live apart from schema.ts because schema.ts assembles the steps from those modules: the modules import
 * these, and schema.ts imports the modules.
 */

export const StepId = leaf(() =>
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]*$/,
      'expected a step id of lower-case letters, digits and dashes, e.g. "send-welcome"',
    )
    .describe('A step id, unique within the journey: lower-case letters, digits and dashes.'),
);

export const Duration = leaf(() =>
  z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parseDuration(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .meta({
      description: 'An ISO-8601 duration in weeks, days, hours, minutes or seconds, e.g. PT30M, P1D, P2W.',
      pattern: '^P(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?$',
    }),
);

export const EventPattern = leaf(() =>
  z
    .record(z.string(), z.unknown())
    .describe(
      'An Amazon EventBridge event pattern, matched with EventBridge semantics. See docs/patterns.md. ' +
        'Against events it matches the whole EventBridge envelope (source, detail-type, detail...).',
    ),
);

export const Category = leaf(() =>
  z
    .enum(['marketing', 'transactional'])
    .describe(
      'marketing journeys obey consent and marketing caps; transactional ones are exempt from marketing caps.',
    ),
);
export const Priority = leaf(() =>
  z.enum(['low', 'normal', 'high']).describe('Send priority; high may override quiet hours.'),
);
export const Weekday = leaf(() => z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']));
export const OnCap = leaf(() =>
  z
    .enum(['skip', 'defer', 'drop'])
    .describe(
      'When a frequency cap (journeys/policies.yaml) blocks a send. skip: not sent, the enrollment goes on. ' +
        'defer: sent when the cap window frees, the enrollment goes on meanwhile. ' +
        'drop: not sent and the enrollment ends (exit reason send-dropped). See docs/policies.md.',
    ),
);

/**
 * A path into the EventBridge envelope, e.g. `detail.properties.cartId`. Used to correlate a later event with the
 * event that started the enrollment.
 */
export const EventPath = leaf(() =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
      'expected a dotted path such as "detail.properties.cartId"',
    )
    .describe('A dotted path into the event envelope, e.g. detail.properties.cartId.'),
);

export const EventCondition = z.lazy(() =>
  z
    .strictObject({
      pattern: EventPattern,
      correlate: z
        .array(EventPath)
        .min(1)
        .optional()
        .describe(
          'Paths whose value in this event must equal the value at the same path in the trigger event, ' +
            'e.g. [detail.properties.cartId] to wait for an order of the same cart.',
        ),
    })
    .describe(
      'An event that matches the pattern (and, with correlate, shares values with the trigger event).',
    ),
);

/** What a message can be said to have had: what the provider reported of it (docs/journeys.md, "Engagement"). */
export const Engaged = leaf(() =>
  z
    .enum(['delivered', 'opened', 'clicked', 'bounced'])
    .describe(
      'delivered: the provider delivered it. opened: an open or a click was recorded (email). clicked: a link ' +
        'was clicked (email). bounced: the provider could not deliver it (email bounce, SMS or push failure).',
    ),
);

/** Engagement a branch can test: what a wait can wait for, or that a message was not opened or not clicked. */
export const EngagementIs = leaf(() =>
  z
    .enum([...Engaged.unwrap().options, 'not-opened', 'not-clicked'])
    .describe(
      `${Engaged.unwrap().description} not-opened, not-clicked: the opposite (also when the step sent nothing yet).`,
    ),
);

export const EngagementCondition = z.lazy(() =>
  z
    .strictObject({
      step: StepId.describe('A send step of this journey: its latest message in this enrollment counts.'),
      is: EngagementIs,
    })
    .describe("The engagement with the enrollment's latest message of a send step."),
);
export const SegmentId = leaf(() =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a segment id of lower-case letters, digits and dashes')
    .describe('The id of a segment file in journeys/segments/ (docs/audiences.md).'),
);

/**
 * "Did EVENT at least/at most N times in the last D days", counted from bounded counters in the customer's
 * state (functions/core/segments/history.ts). At least one of atLeast and atMost.
 */
export const HistoryCondition = z.lazy(() =>
  z
    .strictObject({
      event: EventPattern.describe('Which customer events count: an EventBridge pattern over the envelope.'),
      within: Duration.describe('The rolling window before now, e.g. P7D or P180D.'),
      atLeast: z.int().positive().max(50).optional().describe('At least this many matching events.'),
      atMost: z.int().nonnegative().max(49).optional().describe('At most this many matching events.'),
    })
    .refine((h) => h.atLeast !== undefined || h.atMost !== undefined, {
      message: 'expected atLeast or atMost (or both)',
    })
    .describe('A count of matching events in a rolling window before now.'),
);

export const Condition = z.lazy(() =>
  z
    .strictObject({
      stages: z
        .array(LifecycleStage)
        .min(1)
        .optional()
        .describe('The customer is in one of these lifecycle stages.'),
      profile: EventPattern.optional().describe(
        'A pattern matched against the profile view (docs/journeys.md).',
      ),
      trigger: EventPattern.optional().describe(
        'A pattern matched against the event that started the enrollment.',
      ),
      engagement: EngagementCondition.optional().describe(
        'Engagement with a message this enrollment sent; in branch conditions only (not in an audience).',
      ),
      segment: SegmentId.optional().describe('The customer is a member of this segment now.'),
      history: HistoryCondition.optional(),
      saved: EventPattern.optional().describe(
        "A pattern matched against the fields the enrollment's call steps saved (saveAs).",
      ),
    })
    .refine((c) => Object.values(c).some((part) => part !== undefined), {
      message: 'expected at least one of stages, profile, trigger, engagement, segment, history or saved',
    })
    .describe('All given parts must hold.'),
);

export const JourneyLimits = z.lazy(() =>
  z
    .strictObject({
      perDay: z
        .int()
        .positive()
        .optional()
        .describe('Messages per customer per rolling 24 hours from this journey.'),
      total: z
        .int()
        .positive()
        .optional()
        .describe('Messages per customer from this journey, over all enrollments.'),
    })
    .describe('Per-journey message limits, on top of the environment-wide policies.'),
);

/** A step's `next`: most kinds go on to one step, or complete the enrollment without it. */
export const NextStep = leaf(() =>
  StepId.unwrap().describe('The step that follows. Without it the enrollment completes here.'),
);

export const LocalTime = leaf(() =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day as HH:MM, e.g. "09:30"')
    .describe('A local time of day, HH:MM.'),
);

export const CalendarOffset = leaf(() =>
  z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parseCalendarOffset(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .meta({
      description:
        'A calendar offset from a date: a signed ISO-8601 duration in years, months, weeks or days, e.g. -P7D, P1M. ' +
        "A month or year lands on the same day of the month, or the month's last day when it is shorter.",
      pattern: '^[+-]?P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$',
    }),
);

/** A date's place for a wait: the profile's traits, or the event that started the enrollment. */
export const DatePath = leaf(() =>
  z
    .string()
    .regex(
      /^(traits|trigger)(\.[A-Za-z0-9_$-]+)+$/,
      'expected a path starting with traits (the profile) or trigger (the trigger event), e.g. "traits.renewalDate"',
    )
    .describe('Where a date is read: traits.<name> in the profile, or trigger.<path> in the trigger event.'),
);

/** An absolute instant: an ISO-8601 date-time with its offset or Z. */
export const Instant = leaf(() =>
  z
    .string()
    .refine(
      (text) =>
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
        !Number.isNaN(Date.parse(text)),
      {
        message:
          'expected an instant with its offset, e.g. "2026-12-24T18:00:00Z" or "2026-12-24T18:00:00+01:00"',
      },
    )
    .describe('An ISO-8601 date-time with its offset or Z, e.g. 2026-12-24T18:00:00Z.'),
);

/** A dotted path into the profile's traits, e.g. `traits.birthday`: where a date is read from. */
export const TraitPath = leaf(() =>
  z
    .string()
    .regex(
      /^traits(\.[A-Za-z0-9_$-]+)+$/,
      'expected a path into the profile\'s traits such as "traits.birthday"',
    )
    .describe('A dotted path into the profile, starting with traits, e.g. traits.birthday.'),
);

/** One instance for every JSON value, so that the generated JSON Schema defines it once. */
export const JsonValue = z.json();

export type StepId = z.infer<typeof StepId>;
export type Category = z.infer<typeof Category>;
export type Priority = z.infer<typeof Priority>;
export type Weekday = z.infer<typeof Weekday>;
export type CalendarOffset = z.infer<typeof CalendarOffset>;
export type OnCap = z.infer<typeof OnCap>;
export type EventCondition = z.infer<typeof EventCondition>;
export type Condition = z.infer<typeof Condition>;
export type Engaged = z.infer<typeof Engaged>;
export type EngagementIs = z.infer<typeof EngagementIs>;
export type EngagementCondition = z.infer<typeof EngagementCondition>;
export type HistoryCondition = z.infer<typeof HistoryCondition>;
export type SegmentId = z.infer<typeof SegmentId>;
export type JourneyLimits = z.infer<typeof JourneyLimits>;
