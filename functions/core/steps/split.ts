import * as z from 'zod';
import { PROTO_KEY, PROTO_REFUSED } from '../collections/own-field.ts';
import { valueAt } from '../diagnostics/zod-problems.ts';
import { percentileOf } from '../engine/bucket.ts';
import { describeNext } from '../journeys/describe-parts.ts';
import { StepId } from '../journeys/schema-parts.ts';
import {
  eachItem,
  edgesAt,
  nothingToCompile,
  type StepContext,
  type StepFinding,
  type StepKind,
  type StepOutcome,
} from './kind.ts';

export const SplitStep = z.lazy(() =>
  z
    .strictObject({
      id: StepId,
      type: z.literal('split'),
      variants: z
        .array(
          z.strictObject({
            name: z
              .string()
              .min(1)
              // Reports count by variant in objects keyed by the name, where this one would be their prototype.
              .refine((name) => name !== PROTO_KEY, PROTO_REFUSED.replace('a field', 'a variant'))
              .describe('The variant name shown in reports.'),
            percent: z.number().gt(0).max(100),
            next: StepId,
          }),
        )
        .min(2)
        .describe('Percentages must add up to 100. Assignment is deterministic per customer and journey.'),
    })
    .describe('Random split into variants, stable for each customer.'),
);
export type SplitStep = z.infer<typeof SplitStep>;

function check(raw: unknown): StepFinding[] {
  const variants = valueAt(raw, ['variants']);
  if (!Array.isArray(variants)) return [];
  const percents = variants.map((v: unknown) => valueAt(v, ['percent']));
  if (!percents.every((p): p is number => typeof p === 'number')) return [];
  const total = percents.reduce((a, b) => a + b, 0);
  return Math.abs(total - 100) > 1e-9
    ? [{ path: ['variants'], message: `split percentages add up to ${total}, expected 100` }]
    : [];
}

/** Assigns the customer's variant, the same on every visit, and goes on to it. */
function execute(step: SplitStep, _compiled: undefined, context: StepContext): StepOutcome {
  const { state, journey, enrollment } = context;
  const variant = pickVariant(step.variants, percentileOf(state.userId, journey.id, step.id));
  if (!variant) return { next: undefined };
  enrollment.variant = variant.name;
  context.emit({ ...context.ofEnrollment(), type: 'split-assigned', stepId: step.id, variant: variant.name });
  return { next: variant.next };
}

/** The variant whose cumulative share first exceeds the customer's point in [0, 100). */
function pickVariant<V extends { percent: number }>(variants: readonly V[], point: number): V | undefined {
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.percent;
    if (point < cumulative) return variant;
  }
  return variants.at(-1);
}

export const split: StepKind<typeof SplitStep, undefined> = {
  type: 'split',
  schema: SplitStep,
  waits: false,
  edges: (raw) => edgesAt(raw, eachItem(raw, 'variants', 'next')),
  check,
  compile: nothingToCompile,
  execute,
  describe: (step) =>
    `split: ${step.variants.map((v) => `${v.name} ${v.percent}%${describeNext(v.next)}`).join('; ')}`,
  draw: (step) => ({
    label: `split ${step.variants.map((v) => v.percent).join('/')}`,
    ways: step.variants.map((v) => ({ to: v.next, kind: 'choice', label: `${v.name} ${v.percent}%` })),
  }),
};
