import { type CompiledPattern, compilePattern } from '../patterns/index.ts';
import type { BgNbdModel, LifecycleConfig, StageRule } from './config.ts';
import { partsAdded, type ViewParts, viewPartsRead } from './view-parts.ts';

/** The lifecycle configuration with its patterns compiled, ready for the hot path. */
export type LifecycleModel = {
  config: LifecycleConfig;
  orders: CompiledPattern;
  refunds?: CompiledPattern;
  /**
   * The stage rules in order, each with the parts of the view it reads that no rule before it reads (`adds`):
   * a stage is evaluated adding those parts as the rules are tried, so that a rule matched first (a new
   * customer's) costs none of the parts only later rules read.
   */
  stages: { rule: StageRule; pattern: CompiledPattern; adds: ViewParts }[];
  /** Day counts that appear in the stage rules: the days-since fields can only change a stage there. */
  thresholds: number[];
  /**
   * Whole days after each days-since field's base at which the field can change a stage rule's outcome: for
   * every number x the rules compare that field with (and, for daysSinceLastOrder, the recency scores' days
   * when a rule reads the RFM scores), floor(x) and floor(x) + 1 (an integer count crosses x there, whatever
   * the comparison). Sorted; empty for a field no rule reads.
   */
  dayMarks: DayMarks;
  /** Every number in the stage rules, sorted: a number in the view changes a rule's outcome only by crossing one. */
  numbers: number[];
  /** The BG/NBD model of the environment, else the default one; none means pAlive is null. */
  bgnbd?: BgNbdModel;
};

function mustCompile(pattern: unknown, where: string): CompiledPattern {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new Error(`lifecycle ${where}: invalid pattern (run "cairn validate")`);
  return compiled.pattern;
}

function numbersIn(value: unknown, into: Set<number>): void {
  if (typeof value === 'number') into.add(value);
  else if (Array.isArray(value)) for (const v of value) numbersIn(v, into);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) numbersIn(v, into);
}

/** The day marks of each days-since field, by the base it counts from. */
export type DayMarks = { firstSeen: number[]; lastSeen: number[]; firstOrder: number[]; lastOrder: number[] };

/** The numbers each top-level field of a pattern is compared with, in its `$or` members too. */
function numbersByField(pattern: unknown, into: Map<string, Set<number>>): void {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) return;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      for (const member of value) numbersByField(member, into);
      continue;
    }
    const field = key.split('.')[0] ?? key;
    const numbers = into.get(field) ?? new Set<number>();
    numbersIn(value, numbers);
    into.set(field, numbers);
  }
}

/** floor(x) and floor(x) + 1 of each x, sorted. */
function marksOf(numbers: Iterable<number>): number[] {
  const marks = new Set<number>();
  for (const x of numbers) for (const day of [Math.floor(x), Math.floor(x) + 1]) marks.add(day);
  return [...marks].sort((a, b) => a - b);
}

function dayMarksOf(config: LifecycleConfig): DayMarks {
  const byField = new Map<string, Set<number>>();
  for (const rule of config.stages) numbersByField(rule.when, byField);
  const of = (field: string) => byField.get(field) ?? [];
  const readsRfm = viewPartsRead(config.stages.map((s) => s.when)).rfm;
  return {
    firstSeen: marksOf(of('daysSinceFirstSeen')),
    lastSeen: marksOf(of('daysSinceLastSeen')),
    firstOrder: marksOf(of('daysSinceFirstOrder')),
    lastOrder: marksOf([...of('daysSinceLastOrder'), ...(readsRfm ? config.rfm.recencyDays : [])]),
  };
}

/** `environment` picks that environment's fitted model, when lifecycle.yaml has one. */
export function compileLifecycle(config: LifecycleConfig, environment?: string): LifecycleModel {
  const thresholds = new Set<number>();
  for (const rule of config.stages) numbersIn(rule.when, thresholds);
  const bgnbd = (environment && config.environments?.[environment]?.model) || config.model;
  return {
    config,
    ...(bgnbd ? { bgnbd } : {}),
    orders: mustCompile(config.purchases.orders.pattern, 'purchases.orders'),
    ...(config.purchases.refunds
      ? { refunds: mustCompile(config.purchases.refunds.pattern, 'purchases.refunds') }
      : {}),
    stages: config.stages.map((rule, i) => ({
      rule,
      pattern: mustCompile(rule.when, `stages[${i}]`),
      adds: partsAdded(
        viewPartsRead(config.stages.slice(0, i).map((s) => s.when)),
        viewPartsRead([rule.when]),
      ),
    })),
    thresholds: [...thresholds].filter((n) => n > 0 && n < 5000).sort((a, b) => a - b),
    dayMarks: dayMarksOf(config),
    numbers: [...thresholds].sort((a, b) => a - b),
  };
}
