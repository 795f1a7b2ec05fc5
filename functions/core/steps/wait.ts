import * as z from 'zod';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { type CompiledEventCondition, compileEventCondition } from '../engine/conditions.ts';
import type { Timer } from '../engine/state.ts';
import { describeEvent, describeNext } from '../journeys/describe-parts.ts';
import { Duration, EventCondition, LocalTime, NextStep, StepId, Weekday } from '../journeys/schema-parts.ts';
import { durationMs } from '../time/duration.ts';
import { isValidTimezone, nextLocalTime } from '../time/zoned.ts';
import { edgesAt, type StepContext, type StepFinding, type StepKind, type StepOutcome } from './kind.ts';

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
    next: NextStep.optional(),
  })
  .describe('Wait for a duration, until a local time of day, or for an event (with a timeout).');
export type WaitStep = z.infer<typeof WaitStep>;

/** A wait takes exactly one form; only a wait for an event has (and needs) a timeout. */
function check(raw: unknown): StepFinding[] {
  const forms = (['duration', 'until', 'event'] as const).filter((k) => valueAt(raw, [k]) !== undefined);
  if (forms.length !== 1) {
    const found = forms.length === 0 ? 'none' : forms.join(' and ');
    return [
      { path: [], message: `a wait step needs exactly one of duration, until or event, found ${found}` },
    ];
  }
  if (forms[0] === 'event') {
    return valueAt(raw, ['timeout']) === undefined
      ? [
          {
            path: [],
            message:
              'a wait for an event needs a timeout, e.g. "timeout: P1D" (and onTimeout: the step to take then)',
          },
        ]
      : [];
  }
  return (['timeout', 'onTimeout'] as const)
    .filter((k) => valueAt(raw, [k]) !== undefined)
    .map((k): StepFinding => ({ path: [k], message: `${k} only applies to a wait for an event` }));
}

/**
 * Schedules the timer that ends the wait and stops. What happens when it ends is engine.ts's: a due timer
 * takes `next` (or `onTimeout` for a wait for an event), and a matching event takes `next` early.
 */
function execute(
  step: WaitStep,
  _awaited: CompiledEventCondition | undefined,
  context: StepContext,
): StepOutcome {
  const { now, state, journey, enrollment } = context;
  let dueAt: number;
  let kind: Timer['kind'];
  if (step.until) {
    const zone = state.profile.timezone;
    const timezone = zone !== undefined && isValidTimezone(zone) ? zone : context.defaultTimezone;
    dueAt = nextLocalTime(now, timezone, step.until.time, step.until.days);
    kind = 'until';
  } else if (step.event) {
    dueAt = now + durationMs(step.timeout ?? 'P1D');
    kind = 'event';
  } else {
    dueAt = now + durationMs(step.duration ?? 'PT0S');
    kind = 'duration';
  }
  const timer: Timer = {
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
  if (step.duration) return `wait ${step.duration}${describeNext(step.next)}`;
  if (step.until) {
    const days = step.until.days ? ` on ${step.until.days.join(',')}` : '';
    return `wait until ${step.until.time} local time${days}${describeNext(step.next)}`;
  }
  const event = step.event ? describeEvent(step.event) : '';
  return `wait for ${event}${describeNext(step.next)}; after ${step.timeout ?? '?'}${describeNext(step.onTimeout)}`;
}

export const wait: StepKind<typeof WaitStep, CompiledEventCondition | undefined> = {
  type: 'wait',
  schema: WaitStep,
  waits: true,
  edges: (raw) => edgesAt(raw, [['next'], ['onTimeout']]),
  patterns: () => [['event', 'pattern']],
  check,
  compile: (step, where) => (step.event ? compileEventCondition(step.event, where) : undefined),
  awaits: (awaited) => awaited,
  execute,
  describe,
};
