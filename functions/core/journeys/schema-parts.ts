import * as z from 'zod';
import { parseDuration } from '../time/duration.ts';

/**
 * The parts of the journey language that the step kinds (functions/core/steps/) share with the rest of it.
 * They live apart from schema.ts because schema.ts assembles the steps from those modules: the modules import
 * these, and schema.ts imports the modules.
 */

export const StepId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'expected a step id of lower-case letters, digits and dashes, e.g. "send-welcome"',
  )
  .describe('A step id, unique within the journey: lower-case letters, digits and dashes.');

export const Duration = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  })
  .meta({
    description: 'An ISO-8601 duration in weeks, days, hours, minutes or seconds, e.g. PT30M, P1D, P2W.',
    pattern: '^P(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?$',
  });

export const EventPattern = z
  .record(z.string(), z.unknown())
  .describe(
    'An Amazon EventBridge event pattern, matched with EventBridge semantics. See docs/patterns.md. ' +
      'Against events it matches the whole EventBridge envelope (source, detail-type, detail...).',
  );

export const Channel = z.enum(['email', 'sms', 'push']).describe('A delivery channel.');
export const LifecycleStage = z
  .enum(['new', 'active', 'at_risk', 'vip', 'lapsed'])
  .describe('A lifecycle stage.');
export const Category = z
  .enum(['marketing', 'transactional'])
  .describe(
    'marketing journeys obey consent and marketing caps; transactional ones are exempt from marketing caps.',
  );
export const Priority = z
  .enum(['low', 'normal', 'high'])
  .describe('Send priority; high may override quiet hours.');
export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const OnCap = z
  .enum(['skip', 'defer', 'drop'])
  .describe(
    'When a frequency cap (journeys/policies.yaml) blocks a send. skip: not sent, the enrollment goes on. ' +
      'defer: sent when the cap window frees, the enrollment goes on meanwhile. ' +
      'drop: not sent and the enrollment ends (exit reason send-dropped). See docs/policies.md.',
  );

/**
 * A path into the EventBridge envelope, e.g. `detail.properties.cartId`. Used to correlate a later event with the
 * event that started the enrollment.
 */
export const EventPath = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'expected a dotted path such as "detail.properties.cartId"')
  .describe('A dotted path into the event envelope, e.g. detail.properties.cartId.');

export const EventCondition = z
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
  .describe('An event that matches the pattern (and, with correlate, shares values with the trigger event).');

export const Condition = z
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
    saved: EventPattern.optional().describe(
      "A pattern matched against the fields the enrollment's call steps saved (saveAs).",
    ),
  })
  .refine(
    (c) =>
      c.stages !== undefined || c.profile !== undefined || c.trigger !== undefined || c.saved !== undefined,
    { message: 'expected at least one of stages, profile, trigger or saved' },
  )
  .describe('All given parts must hold.');

export const JourneyLimits = z
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
  .describe('Per-journey message limits, on top of the environment-wide policies.');

/** A step's `next`: most kinds go on to one step, or complete the enrollment without it. */
export const NextStep = StepId.describe('The step that follows. Without it the enrollment completes here.');

export const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day as HH:MM, e.g. "09:30"')
  .describe('A local time of day, HH:MM.');

/** One instance for every JSON value, so that the generated JSON Schema defines it once. */
export const JsonValue = z.json();

export type StepId = z.infer<typeof StepId>;
export type Channel = z.infer<typeof Channel>;
export type LifecycleStage = z.infer<typeof LifecycleStage>;
export type Category = z.infer<typeof Category>;
export type Priority = z.infer<typeof Priority>;
export type Weekday = z.infer<typeof Weekday>;
export type OnCap = z.infer<typeof OnCap>;
export type EventCondition = z.infer<typeof EventCondition>;
export type Condition = z.infer<typeof Condition>;
export type JourneyLimits = z.infer<typeof JourneyLimits>;
