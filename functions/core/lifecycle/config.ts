import * as z from 'zod';
import { EventPath, EventPattern, LifecycleStage } from '../journeys/schema-parts.ts';

const Ascending = (what: string) =>
  z
    .array(z.number().nonnegative())
    .length(4, `expected 4 thresholds for scores 2 to 5 (${what})`)
    .refine(
      (t) => t.every((v, i) => i === 0 || v >= (t[i - 1] ?? 0)),
      'expected thresholds in ascending order',
    );

export const PurchaseEvents = z.strictObject({
  pattern: EventPattern.describe('Which customer events count.'),
  revenue: EventPath.describe('Where the amount is, e.g. detail.properties.revenue.'),
  currency: EventPath.optional().describe('Where the currency is (recorded, not converted).'),
});

export const StageRule = z.strictObject({
  stage: LifecycleStage,
  why: z.string().min(1).describe('Why this rule exists; shown in reports and stage-change events.'),
  when: EventPattern.describe('A pattern over the profile view with its derived fields (docs/lifecycle.md).'),
});
export type StageRule = z.infer<typeof StageRule>;

export const BgNbdParams = z.strictObject({
  r: z.number().positive(),
  alpha: z.number().positive(),
  a: z.number().positive(),
  b: z.number().positive(),
});

export const BgNbdModel = z.strictObject({
  unit: z.enum(['days', 'weeks']).describe('The time unit the parameters were fitted in.'),
  params: BgNbdParams,
  fittedOn: z.string().optional().describe('What the parameters were fitted on, for the record.'),
  logLikelihood: z.number().optional(),
  customers: z.number().int().optional(),
});
export type BgNbdModel = z.infer<typeof BgNbdModel>;

export const LifecycleConfig = z.strictObject({
  $schema: z.string().optional(),
  purchases: z.strictObject({ orders: PurchaseEvents, refunds: PurchaseEvents.optional() }),
  rfm: z.strictObject({
    recencyDays: Ascending(
      'days since the last order: at most the 1st gives 5, at most the 4th gives 2, more gives 1',
    ),
    frequencyOrders: Ascending('orders in 365 days: at least the 1st gives 2 ... at least the 4th gives 5'),
    monetaryRevenue: Ascending('revenue in 365 days: at least the 1st gives 2 ... at least the 4th gives 5'),
  }),
  model: BgNbdModel.optional().describe(
    'BG/NBD parameters from "cairn model fit"; without them pAlive and expected purchases are null.',
  ),
  environments: z
    .record(z.string(), z.strictObject({ model: BgNbdModel.optional() }))
    .optional()
    .describe('Per-environment values that replace the ones above, e.g. a model fitted on prod customers.'),
  suggestedRfm: z
    .strictObject({
      recencyDays: z.array(z.number()),
      frequencyOrders: z.array(z.number()),
      monetaryRevenue: z.array(z.number()),
      computedFrom: z.string().describe('The events and the as-of time the quintiles were computed from.'),
    })
    .optional()
    .describe(
      'Quintile thresholds written by "cairn profiles --suggest-rfm --write"; copy them to rfm to use.',
    ),
  stages: z
    .array(StageRule)
    .min(1)
    .describe('Evaluated in order: the first rule whose pattern matches gives the stage.'),
});
export type LifecycleConfig = z.infer<typeof LifecycleConfig>;
