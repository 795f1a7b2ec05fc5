import * as z from 'zod';
import { StepId } from '../journeys/schema-parts.ts';
import { nothingToCompile, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const ExitStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('exit'),
      reason: z.string().min(1).optional().describe('Recorded in the exit reason: exit-step:<reason>.'),
    })
    .describe('End the enrollment.'),
);
export type ExitStep = z.infer<typeof ExitStep>;

function execute(step: ExitStep, _compiled: undefined, context: StepContext): StepOutcome {
  context.end(step.reason ? `exit-step:${step.reason}` : 'exit-step');
  return 'stop';
}

export const exit: StepKind<typeof ExitStep, undefined> = {
  type: 'exit',
  schema: ExitStep,
  waits: false,
  // An exit step goes nowhere.
  edges: () => [],
  compile: nothingToCompile,
  execute,
  describe: (step) => `exit${step.reason ? ` (${step.reason})` : ''}`,
  draw: (step) => ({ label: `exit${step.reason ? `: ${step.reason}` : ''}`, ways: [] }),
};
