import * as z from 'zod';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { type CompiledEventCondition, compileEventCondition } from '../engine/conditions.ts';
import { engagementHolds } from '../engine/engagement.ts';
import type { WaitKind, WaitTimer } from '../engine/state.ts';
import { describeEvent, describeNext } from '../journeys/describe-parts.ts';
import {
  Duration,
  Engaged,
  EventCondition,
  LocalTime,
  NextStep,
  StepId,
  Weekday,
} from '../journeys/schema-parts.ts';
import { durationMs } from '../time/duration.ts';
import { isValidTimezone, nextLocalTime } from '../time/zoned.ts';
import { edgesAt, type StepContext, type StepKind, type StepOutcome, stepForms } from './kind.ts';

export const DurationWait = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    duration: Duration.describe('Wait this long.'),
    next: NextStep.optional(),
  })
  .describe('Wait for a duration.');
export type DurationWait = z.infer<typeof DurationWait>;

export const UntilWait = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    until: z
      .strictObject({
        time: LocalTime.describe("The time of day in the customer's timezone."),
        days: z.array(Weekday).min(1).optional().describe('Allowed weekdays; any day when absent.'),
      })
      .describe("Wait until the next such local time in the customer's timezone."),
    next: NextStep.optional(),
  })
  .describe('Wait until a local time of day.');
export type UntilWait = z.infer<typeof UntilWait>;

export const EventWait = z
  .strictObject({
    id: StepId,
    type: z.literal('wait'),
    event: EventCondition.describe('Wait until a matching event arrives.'),
    timeout: Duration.describe('How long to wait for the event before taking onTimeout.'),
    onTimeout: StepId.optional().describe(
      'The step to take when the timeout passes. Without it the enrollment completes then.',
    ),
    next: StepId.optional().describe(
      'The step to take when the event arrives. Without it the enrollment completes then.',
    ),
  })
  .describe('Wait for an event, with a timeout.');
export type EventWait = z.infer<typeof EventWait>;

export const EngagementWait = z
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
  .describe('Wait for engagement with a message this enrollment sent (opened, clicked...), with a timeout.');
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
export const WaitStep = stepForms('wait', [DurationWait, UntilWait, EventWait, EngagementWait], {
  description:
    'Wait for a duration, until a local time of day, or for an event or engagement (with a timeout).',
  problem: waitFormProblem,
});
export type WaitStep = z.infer<typeof WaitStep>;

/** When the wait ends, and what its end does (WaitKind). */
function endOf(step: WaitStep, context: StepContext): { dueAt: number; kind: WaitKind } {
  const { now } = context;
  if ('until' in step) {
    const zone = context.state.profile.timezone;
    const timezone = zone !== undefined && isValidTimezone(zone) ? zone : context.defaultTimezone;
    return { dueAt: nextLocalTime(now, timezone, step.until.time, step.until.days), kind: 'until' };
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
  const { dueAt, kind } = endOf(step, context);
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
  if ('until' in step) {
    const days = step.until.days ? ` on ${step.until.days.join(',')}` : '';
    return `wait until ${step.until.time} local time${days}${describeNext(step.next)}`;
  }
  const awaited =
    'event' in step ? describeEvent(step.event) : `${step.engagement.step} ${step.engagement.is}`;
  return `wait for ${awaited}${describeNext(step.next)}; after ${step.timeout}${describeNext(step.onTimeout)}`;
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
};
