import * as z from 'zod';

/**
 * The shapes of a journey's results (group-results.ts), as zod schemas: the report's JSON (`cairn report
 * --format json`) is a documented contract, and these are its one source.
 */
export const Interval = z.object({ low: z.number(), high: z.number() });
export type Interval = z.infer<typeof Interval>;

export const ProportionTest = z.object({
  test: z.enum(['two-proportion z-test', "Fisher's exact test"]),
  pValue: z.number(),
  /** The z statistic (z-test only). */
  statistic: z.number().nullable(),
});
export type ProportionTest = z.infer<typeof ProportionTest>;

export const GoodnessOfFit = z.object({
  test: z.literal('chi-square goodness of fit'),
  statistic: z.number(),
  degreesOfFreedom: z.number().int(),
  pValue: z.number(),
});
export type GoodnessOfFit = z.infer<typeof GoodnessOfFit>;

export const GroupFigures = z.object({
  group: z.string(),
  holdout: z.boolean(),
  /** Customers, not enrollments: a customer who entered again counts once, in the group they were first in. */
  customers: z.number().int(),
  /** Customers sent at least one message of the journey. */
  sent: z.number().int(),
  reached: z.number().int(),
  rate: z.number().nullable(),
  /** The rate's 95% Wilson interval. */
  interval: Interval.nullable(),
  /** Goal revenue per customer of the group, when goal events carried revenue, all in one currency. */
  revenuePerCustomer: z.number().nullable(),
});
export type GroupFigures = z.infer<typeof GroupFigures>;

export const Comparison = ProportionTest.extend({
  group: z.string(),
  against: z.string(),
  /** Difference of rates, in proportion (0.019 is 1.9 points), with Newcombe's interval. */
  absolute: z.object({ estimate: z.number(), interval: Interval.nullable() }),
  relative: z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable(),
});
export type Comparison = z.infer<typeof Comparison>;

export const SampleRatio = GoodnessOfFit.extend({
  expectedPercent: z.record(z.string(), z.number()),
  mismatch: z.boolean(),
});
export type SampleRatio = z.infer<typeof SampleRatio>;

export const Warning = z.object({
  kind: z.enum([
    'sent-nothing',
    'too-small',
    'no-difference',
    'sample-ratio-mismatch',
    'no-customers',
    'currencies',
  ]),
  group: z.string().nullable(),
  text: z.string(),
});
export type Warning = z.infer<typeof Warning>;

export const JourneyResults = z.object({
  groups: z.array(GroupFigures),
  baseline: z.string().nullable(),
  /** The currency of revenuePerCustomer, when the goal events name one. */
  currency: z.string().nullable(),
  comparisons: z.array(Comparison),
  sampleRatio: SampleRatio.nullable(),
  warnings: z.array(Warning),
});
export type JourneyResults = z.infer<typeof JourneyResults>;
