import * as z from 'zod';
import { describeNext } from '../journeys/describe-parts.ts';
import { JsonValue, NextStep, StepId } from '../journeys/schema-parts.ts';
import { edgesAt, nothingToCompile, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const UpdateProfileStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('update-profile'),
      set: z.record(z.string(), JsonValue).optional().describe('Traits to set.'),
      unset: z.array(z.string().min(1)).optional().describe('Traits to remove.'),
      next: NextStep.optional(),
    })
    .refine((s) => s.set !== undefined || s.unset !== undefined, { message: 'expected set or unset' })
    .describe("Change the customer's traits."),
);
export type UpdateProfileStep = z.infer<typeof UpdateProfileStep>;

function execute(step: UpdateProfileStep, _compiled: undefined, context: StepContext): StepOutcome {
  const { state } = context;
  const traits = { ...state.profile.traits, ...(step.set ?? {}) };
  for (const name of step.unset ?? []) delete traits[name];
  state.profile = { ...state.profile, traits };
  context.emit({
    ...context.ofEnrollment(),
    type: 'profile-updated',
    set: step.set ?? {},
    unset: step.unset ?? [],
  });
  return { next: step.next };
}

export const updateProfile: StepKind<typeof UpdateProfileStep, undefined> = {
  type: 'update-profile',
  schema: UpdateProfileStep,
  waits: false,
  edges: (raw) => edgesAt(raw, [['next']]),
  compile: nothingToCompile,
  execute,
  describe: (step) => `update profile${changesOf(step)}${describeNext(step.next)}`,
  draw: (step) => ({ label: `update profile${changesOf(step)}`, ways: [{ to: step.next, kind: 'next' }] }),
};

/** ` set a, b unset c`: the traits the step changes. */
function changesOf(step: UpdateProfileStep): string {
  return `${step.set ? ` set ${Object.keys(step.set).join(', ')}` : ''}${step.unset ? ` unset ${step.unset.join(', ')}` : ''}`;
}
