import * as z from 'zod';
import { percentileOf } from '../engine/bucket.ts';
import { describeNext } from '../journeys/describe-parts.ts';
import { NextStep, StepId } from '../journeys/schema-parts.ts';
import { edgesAt, nothingToCompile, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const HoldoutStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('holdout'),
      percent: z.number().gt(0).lt(100).describe('The share of customers held out as a control group.'),
      next: NextStep.optional(),
    })
    .describe('A control group: held-out customers get no messages but are still tracked for the goal.'),
);
export type HoldoutStep = z.infer<typeof HoldoutStep>;

/** Puts the customer in the control group, the same on every visit; send steps then withhold its messages. */
function execute(step: HoldoutStep, _compiled: undefined, context: StepContext): StepOutcome {
  const { state, journey, enrollment } = context;
  if (percentileOf(state.userId, journey.id, step.id) < step.percent) {
    enrollment.holdout = true;
    context.emit({ ...context.ofEnrollment(), type: 'held-out', stepId: step.id });
  }
  return { next: step.next };
}

export const holdout: StepKind<typeof HoldoutStep, undefined> = {
  type: 'holdout',
  schema: HoldoutStep,
  waits: false,
  edges: (raw) => edgesAt(raw, [['next']]),
  compile: nothingToCompile,
  execute,
  describe: (step) => `hold out ${step.percent}% as control${describeNext(step.next)}`,
  // Held-out customers go on too: their sends are withheld, so one way out.
  draw: (step) => ({
    label: `hold out ${step.percent}% (no messages)`,
    ways: [{ to: step.next, kind: 'next' }],
  }),
};
