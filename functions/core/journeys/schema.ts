import * as z from 'zod';
import { parseDuration } from '../time/duration.ts';

/**
 * The journey language. This file is the single source of truth: `journeys/schema.json` is generated from it
 * (`npm run schema`), and the TypeScript types below are inferred from it.
 *
 * Objects are strict so that a misspelt key is an error (with a "did you mean") instead of being ignored.
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
export const JourneyStatus = z
  .enum(['draft', 'active', 'paused', 'archived'])
  .describe(
    'Only active journeys enroll customers. Paused journeys hold enrollments; archived ones end them.',
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
  })
  .refine((c) => c.stages !== undefined || c.profile !== undefined || c.trigger !== undefined, {
    message: 'expected at least one of stages, profile or trigger',
  })
  .describe('All given parts must hold.');

export const Trigger = z
  .strictObject({
    event: EventPattern.optional().describe('Enter when a customer event matches this pattern.'),
    stage: z
      .strictObject({
        to: z
          .array(LifecycleStage)
          .min(1)
          .describe('Enter when the customer moves into one of these stages.'),
        from: z
          .array(LifecycleStage)
          .min(1)
          .optional()
          .describe('Only when coming from one of these stages.'),
      })
      .optional()
      .describe('Enter on a lifecycle stage change (the "Lifecycle Stage Changed" event).'),
  })
  .refine((t) => (t.event === undefined) !== (t.stage === undefined), {
    message: 'expected exactly one of event or stage',
  })
  .describe('What enrolls a customer: an event pattern, or a lifecycle stage change.');

export const EntryRules = z
  .strictObject({
    reentry: z
      .union([z.enum(['never', 'always']), Duration])
      .default('never')
      .describe(
        'never: a customer enters once ever. always: again whenever not already enrolled. ' +
          'A duration (e.g. P30D): again once that long has passed since the last entry.',
      ),
    maxEntries: z
      .int()
      .positive()
      .optional()
      .describe('At most this many entries per dedupe key (per customer when there is no dedupeBy).'),
    dedupeBy: EventPath.optional().describe(
      'Apply the rules per value of this trigger path, e.g. detail.properties.cartId for one enrollment per cart.',
    ),
  })
  .describe('Who may enter again, and how often.');

export const Goal = EventCondition.extend({
  within: Duration.describe('How long after entry the goal counts, e.g. P7D.'),
}).describe('The conversion goal: an event within a window after entry. Tracked for holdout groups too.');

export const ExitCriterion = EventCondition.extend({
  name: z
    .string()
    .min(1)
    .optional()
    .describe('A name for reports and the exit reason; defaults to exit-<index>.'),
}).describe('An event that ends the enrollment at any step, including while waiting.');

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

const next = StepId.describe('The step that follows. Without it the enrollment completes here.');

export const SendStep = z
  .strictObject({
    id: StepId,
    type: z.literal('send'),
    channel: z
      .union([Channel, z.array(Channel).min(1)])
      .describe('One channel, or channels in order of preference: the first reachable one is used.'),
    template: z
      .string({ error: (issue) => (issue.input === undefined ? 'a send step needs a template' : undefined) })
      .min(1, 'a send step needs a template')
      .describe('The template to render.'),
    priority: Priority.default('normal'),
    tags: z.array(z.string().min(1)).optional().describe('Tags that frequency-cap rules can select.'),
    onCap: OnCap.optional().describe("Overrides the journey's onCap for this step."),
    next: next.optional(),
  })
  .describe('Send a message.');

export const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day as HH:MM, e.g. "09:30"')
  .describe('A local time of day, HH:MM.');

export const WaitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    duration: Duration.optional().describe('Wait this long.'),
    until: z
      .strictObject({
        time: LocalTime.describe("The time of day in the customer's timezone."),
        days: z.array(Weekday).min(1).optional().describe('Allowed weekdays; any day when absent.'),
      })
      .optional()
      .describe("Wait until the next such local time in the customer's timezone."),
    event: EventCondition.optional().describe('Wait until a matching event arrives.'),
    timeout: Duration.optional().describe('With event: how long to wait before taking onTimeout.'),
    onTimeout: StepId.optional().describe('With event: the step to take when the timeout passes.'),
    next: next.optional(),
  })
  .describe('Wait for a duration, until a local time of day, or for an event (with a timeout).');

export const BranchStep = z
  .strictObject({
    id: StepId,
    type: z.literal('branch'),
    branches: z
      .array(
        z.strictObject({
          name: z.string().min(1).optional(),
          when: Condition,
          next: StepId,
        }),
      )
      .min(1)
      .describe('Evaluated in order: the first whose condition holds is taken.'),
    default: StepId.describe('Taken when no branch matches.'),
  })
  .describe('Take the first branch whose condition holds, else the default.');

export const SplitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('split'),
    variants: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe('The variant name shown in reports.'),
          percent: z.number().gt(0).max(100),
          next: StepId,
        }),
      )
      .min(2)
      .describe('Percentages must add up to 100. Assignment is deterministic per customer and journey.'),
  })
  .describe('Random split into variants, stable for each customer.');

export const HoldoutStep = z
  .strictObject({
    id: StepId,
    type: z.literal('holdout'),
    percent: z.number().gt(0).lt(100).describe('The share of customers held out as a control group.'),
    next: next.optional(),
  })
  .describe('A control group: held-out customers get no messages but are still tracked for the goal.');

const JsonValue = z.json();

export const UpdateProfileStep = z
  .strictObject({
    id: StepId,
    type: z.literal('update-profile'),
    set: z.record(z.string(), JsonValue).optional().describe('Traits to set.'),
    unset: z.array(z.string().min(1)).optional().describe('Traits to remove.'),
    next: next.optional(),
  })
  .refine((s) => s.set !== undefined || s.unset !== undefined, { message: 'expected set or unset' })
  .describe("Change the customer's traits.");

export const EmitEventStep = z
  .strictObject({
    id: StepId,
    type: z.literal('emit-event'),
    detailType: z.string().min(1).describe('The name of the emitted event.'),
    properties: z.record(z.string(), JsonValue).optional(),
    next: next.optional(),
  })
  .describe('Emit a customer event (source "cairn.journeys").');

export const ExitStep = z
  .strictObject({
    id: StepId,
    type: z.literal('exit'),
    reason: z.string().min(1).optional().describe('Recorded in the exit reason: exit-step:<reason>.'),
  })
  .describe('End the enrollment.');

export const Step = z.discriminatedUnion('type', [
  SendStep,
  WaitStep,
  BranchStep,
  SplitStep,
  HoldoutStep,
  UpdateProfileStep,
  EmitEventStep,
  ExitStep,
]);

export const StepType = z.enum([
  'send',
  'wait',
  'branch',
  'split',
  'holdout',
  'update-profile',
  'emit-event',
  'exit',
]);

export const Journey = z
  .strictObject({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a journey id of lower-case letters, digits and dashes')
      .describe('Stable id: keep it when editing, since enrollments refer to it.'),
    name: z.string().min(1),
    description: z.string().default(''),
    category: Category.default('marketing'),
    status: JourneyStatus.default('draft'),
    trigger: Trigger,
    audience: Condition.optional().describe('Only customers for whom this holds at entry may enter.'),
    entry: EntryRules.default({ reentry: 'never' }),
    goal: Goal.optional(),
    exit: z.array(ExitCriterion).optional().describe('Events that end the enrollment at any step.'),
    limits: JourneyLimits.optional(),
    onCap: OnCap.default('skip'),
    start: StepId.optional().describe('The first step; defaults to the first in the list.'),
    steps: z.array(Step).min(1, 'a journey needs at least one step'),
  })
  .describe('A Cairn journey. Docs: docs/journeys.md');

export type StepId = z.infer<typeof StepId>;
export type Channel = z.infer<typeof Channel>;
export type LifecycleStage = z.infer<typeof LifecycleStage>;
export type Category = z.infer<typeof Category>;
export type JourneyStatus = z.infer<typeof JourneyStatus>;
export type Priority = z.infer<typeof Priority>;
export type Weekday = z.infer<typeof Weekday>;
export type OnCap = z.infer<typeof OnCap>;
export type EventCondition = z.infer<typeof EventCondition>;
export type Condition = z.infer<typeof Condition>;
export type Trigger = z.infer<typeof Trigger>;
export type EntryRules = z.infer<typeof EntryRules>;
export type Goal = z.infer<typeof Goal>;
export type ExitCriterion = z.infer<typeof ExitCriterion>;
export type JourneyLimits = z.infer<typeof JourneyLimits>;
export type SendStep = z.infer<typeof SendStep>;
export type WaitStep = z.infer<typeof WaitStep>;
export type BranchStep = z.infer<typeof BranchStep>;
export type SplitStep = z.infer<typeof SplitStep>;
export type HoldoutStep = z.infer<typeof HoldoutStep>;
export type UpdateProfileStep = z.infer<typeof UpdateProfileStep>;
export type EmitEventStep = z.infer<typeof EmitEventStep>;
export type ExitStep = z.infer<typeof ExitStep>;
export type Step = z.infer<typeof Step>;
export type StepType = z.infer<typeof StepType>;
export type Journey = z.infer<typeof Journey>;
