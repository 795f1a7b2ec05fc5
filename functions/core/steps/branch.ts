import * as z from 'zod';
import { type CompiledCondition, compileCondition, holds } from '../engine/conditions.ts';
import { describeCondition, describeNext } from '../journeys/describe-parts.ts';
import { Condition, StepId } from '../journeys/schema-parts.ts';
import { eachItem, edgesAt, type StepContext, type StepKind, type StepOutcome } from './kind.ts';

export const BranchStep = z.lazy(() =>
  z
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
    .describe('Take the first branch whose condition holds, else the default.'),
);
export type BranchStep = z.infer<typeof BranchStep>;

/** Takes the first branch whose condition holds for the customer now, else the default. */
function execute(step: BranchStep, conditions: CompiledCondition[], context: StepContext): StepOutcome {
  const subject = {
    userId: context.state.userId,
    profile: context.state.profile,
    trigger: context.enrollment.trigger,
    view: () => context.view(),
    enrollment: context.enrollment,
    now: context.now,
    history: context.state.history,
    inSegment: (id: string) => context.state.segments?.includes(id) ?? false,
    saved: context.enrollment.saved ?? {},
  };
  const taken = step.branches.find((_, i) => {
    const condition = conditions[i];
    return condition !== undefined && holds(condition, subject);
  });
  return { next: taken ? taken.next : step.default };
}

export const branch: StepKind<typeof BranchStep, CompiledCondition[]> = {
  type: 'branch',
  schema: BranchStep,
  waits: false,
  // The default first: the validator walks edges in this order, and its cycle messages follow it.
  edges: (raw) => edgesAt(raw, [['default'], ...eachItem(raw, 'branches', 'next')]),
  patterns: (raw) =>
    eachItem(raw, 'branches', 'when').flatMap((when) => [
      [...when, 'profile'],
      [...when, 'trigger'],
      [...when, 'history', 'event'],
      [...when, 'saved'],
    ]),
  engagements: (raw) => eachItem(raw, 'branches', 'when', 'engagement'),
  compile: (step, where) => step.branches.map((b, i) => compileCondition(b.when, `${where} branch ${i}`)),
  execute,
  describe: (step) =>
    `branch: ${step.branches.map((b) => `${b.name ?? describeCondition(b.when)}${describeNext(b.next)}`).join('; ')}; otherwise${describeNext(step.default)}`,
  draw: (step) => ({
    label: 'branch',
    ways: [
      ...step.branches.map((b) => ({
        to: b.next,
        kind: 'choice' as const,
        label: b.name ?? describeCondition(b.when),
      })),
      { to: step.default, kind: 'choice', label: 'otherwise' },
    ],
  }),
};
