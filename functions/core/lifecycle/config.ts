import { z } from 'zod';
import { formatPath, type Problem } from '../diagnostics/problem.ts';
import { parseSource } from '../diagnostics/yaml-source.ts';
import { describeIssues } from '../diagnostics/zod-problems.ts';
import { EventPath, EventPattern, LifecycleStage } from '../journeys/schema.ts';
import { compilePattern } from '../patterns/index.ts';

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
  model: z
    .strictObject({
      unit: z.enum(['days', 'weeks']).describe('The time unit the parameters were fitted in.'),
      params: BgNbdParams,
      fittedOn: z.string().optional().describe('What the parameters were fitted on, for the record.'),
    })
    .optional()
    .describe(
      'BG/NBD parameters from "cairn model fit"; without them pAlive and expected purchases are null.',
    ),
  stages: z
    .array(StageRule)
    .min(1)
    .describe('Evaluated in order: the first rule whose pattern matches gives the stage.'),
});
export type LifecycleConfig = z.infer<typeof LifecycleConfig>;

/** Parses journeys/lifecycle.yaml, reporting every problem with file:line:column like journey files. */
export function loadLifecycleConfig(
  file: string,
  text: string,
): { config?: LifecycleConfig; problems: Problem[] } {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) {
    return {
      problems: source.syntaxErrors.map((e) => ({
        file,
        line: e.line,
        column: e.column,
        path: '',
        message: `syntax error: ${e.message}`,
      })),
    };
  }
  const parsed = LifecycleConfig.safeParse(source.value);
  const problems: Problem[] = parsed.success
    ? []
    : describeIssues(LifecycleConfig, source.value, parsed.error.issues).map((m) => {
        const position =
          m.atKey === undefined ? source.positionOf(m.path) : source.positionOfKey(m.path, m.atKey);
        return {
          file,
          ...position,
          path: formatPath(m.atKey === undefined ? m.path : [...m.path, m.atKey]),
          message: m.message,
        };
      });
  if (parsed.success) {
    const patterns: [(string | number)[], unknown][] = [
      [['purchases', 'orders', 'pattern'], parsed.data.purchases.orders.pattern],
      [['purchases', 'refunds', 'pattern'], parsed.data.purchases.refunds?.pattern],
      ...parsed.data.stages.map((s, i): [(string | number)[], unknown] => [['stages', i, 'when'], s.when]),
    ];
    for (const [path, pattern] of patterns) {
      if (pattern === undefined) continue;
      const compiled = compilePattern(pattern);
      if (compiled.ok) continue;
      for (const p of compiled.problems) {
        const at = [...path, ...p.path];
        problems.push({
          file,
          ...source.positionOf(at),
          path: formatPath(at),
          message: `invalid pattern: ${p.message}`,
        });
      }
    }
  }
  return problems.length === 0 && parsed.success ? { config: parsed.data, problems } : { problems };
}
