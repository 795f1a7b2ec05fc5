import * as z from 'zod';
import { Step } from '../steps/index.ts';
import { DateTrigger } from '../triggers/date.ts';
import { ScheduleTrigger, SegmentTrigger } from '../triggers/schedule.ts';
import { leaf } from './leaf.ts';
import {
  Category,
  Condition,
  Duration,
  EventCondition,
  EventPath,
  EventPattern,
  Instant,
  JourneyLimits,
  LifecycleStage,
  OnCap,
  StepId,
} from './schema-parts.ts';

/**
 * The journey language. This file, with the files it assembles, is the single source of truth:
 * `journeys/schema.json` is generated from it (`npm run schema`), and the TypeScript types are inferred
 * from it. The value types it shares with the steps are in schema-parts.ts; each step kind's schema is in
 * its own module in functions/core/steps/, and `Step` is their union (functions/core/steps/index.ts).
 *
 * Objects are strict so that a misspelt key is an error (with a "did you mean") instead of being ignored.
 */

export { Step, type StepType } from '../steps/index.ts';
export {
  Category,
  Channel,
  Condition,
  Duration,
  EventCondition,
  EventPath,
  EventPattern,
  JourneyLimits,
  LifecycleStage,
  LocalTime,
  OnCap,
  Priority,
  StepId,
  Weekday,
} from './schema-parts.ts';

/** A journey's id; a leaf built at import, which the status overrides share (status-overrides.ts). */
export const JourneyId = leaf(() =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a journey id of lower-case letters, digits and dashes')
    .describe('Stable id: keep it when editing, since enrollments refer to it.'),
);

export const JourneyStatus = leaf(() =>
  z
    .enum(['draft', 'active', 'paused', 'archived'])
    .describe(
      'Only active journeys enroll customers. Paused journeys hold enrollments; archived ones end them.',
    ),
);
export const Trigger = z.lazy(() =>
  z
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
      date: DateTrigger.optional(),
      segment: SegmentTrigger.optional(),
      schedule: ScheduleTrigger.optional(),
    })
    .refine(
      (t) =>
        [t.event, t.stage, t.date, t.segment, t.schedule].filter((form) => form !== undefined).length === 1,
      { message: 'expected exactly one of event, stage, date, segment or schedule' },
    )
    .describe(
      'What enrolls a customer: an event pattern, a lifecycle stage change, a date in the profile, entering a ' +
        'segment, or a schedule over an audience.',
    ),
);

export const JourneySchedule = z.lazy(() =>
  z
    .strictObject({
      start: Instant.optional().describe('No entry before this instant.'),
      end: Instant.optional().describe('No entry after this instant.'),
    })
    .refine((s) => s.start === undefined || s.end === undefined || Date.parse(s.start) < Date.parse(s.end), {
      message: 'expected start before end',
    })
    .describe(
      'The window in which customers may enter; outside it entries are refused, whatever the trigger.',
    ),
);

export const SendRate = z.lazy(() =>
  z
    .strictObject({
      perSecond: z
        .int()
        .positive()
        .max(100_000)
        .describe('At most this many messages of this journey per second, across all instances.'),
    })
    .describe('A send-rate limit: sends over it wait for the next free second, never dropped.'),
);

export const EntryRules = z.lazy(() =>
  z
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
    .describe('Who may enter again, and how often.'),
);

export const Goal = z.lazy(() =>
  EventCondition.unwrap()
    .extend({
      within: Duration.describe('How long after entry the goal counts, e.g. P7D.'),
    })
    .describe('The conversion goal: an event within a window after entry. Tracked for holdout groups too.'),
);

export const ExitCriterion = z.lazy(() =>
  EventCondition.unwrap()
    .extend({
      name: z
        .string()
        .min(1)
        .optional()
        .describe('A name for reports and the exit reason; defaults to exit-<index>.'),
    })
    .describe('An event that ends the enrollment at any step, including while waiting.'),
);

export const Journey = z.lazy(() =>
  z
    .strictObject({
      $schema: z.string().optional(),
      id: JourneyId,
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
      schedule: JourneySchedule.optional(),
      sendRate: SendRate.optional(),
      onCap: OnCap.default('skip'),
      start: StepId.optional().describe('The first step; defaults to the first in the list.'),
      steps: z.array(Step).min(1, 'a journey needs at least one step'),
    })
    .describe('A Cairn journey. Docs: docs/journeys.md'),
);

export type JourneyStatus = z.infer<typeof JourneyStatus>;
export type Trigger = z.infer<typeof Trigger>;
export type EntryRules = z.infer<typeof EntryRules>;
export type Goal = z.infer<typeof Goal>;
export type ExitCriterion = z.infer<typeof ExitCriterion>;
export type Journey = z.infer<typeof Journey>;
export type JourneySchedule = z.infer<typeof JourneySchedule>;
export type SendRate = z.infer<typeof SendRate>;
