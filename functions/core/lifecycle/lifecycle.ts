import type { CustomerEvent } from '../events/index.ts';
import type { LifecycleStage } from '../journeys/schema.ts';
import {
  type CompiledPattern,
  compilePattern,
  matchesPattern,
  matchesPlainObject,
} from '../patterns/index.ts';
import { type Profile, profileView } from '../profile/profile.ts';
import { expectedPurchases, pAlive } from './bgnbd.ts';
import type { BgNbdModel, LifecycleConfig, StageRule } from './config.ts';
import { DAY_MS, NO_PURCHASES, type PurchaseSummary, purchaseDays, windowTotals } from './purchases.ts';

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

/**
 * Parts of the lifecycle view, each computed only when asked for. A pattern reads only the fields it names (the
 * top-level names of its fields, in `$or` too), so a view without the parts no rule names matches every rule as
 * the whole view does.
 */
export type ViewParts = {
  /** The profile view's fields (traits, stage, reachable...): profile/profile.ts, profileView. */
  profile: boolean;
  window30: boolean;
  window90: boolean;
  /** The 365-day totals, which the RFM scores read too. */
  window365: boolean;
  rfm: boolean;
  pAlive: boolean;
  expected: boolean;
};

const NO_PARTS: ViewParts = {
  profile: false,
  window30: false,
  window90: false,
  window365: false,
  rfm: false,
  pAlive: false,
  expected: false,
};

const PART_NAMES: readonly (keyof ViewParts)[] = [
  'profile',
  'window30',
  'window90',
  'window365',
  'rfm',
  'pAlive',
  'expected',
];

const WHOLE_VIEW: ViewParts = {
  profile: true,
  window30: true,
  window90: true,
  window365: true,
  rfm: true,
  pAlive: true,
  expected: true,
};

/** The view's own fields, each with the part that holds it; any other name is the profile view's. */
const DERIVED_FIELDS: Record<string, keyof ViewParts | undefined> = {
  daysSinceFirstSeen: undefined,
  daysSinceLastSeen: undefined,
  daysSinceFirstOrder: undefined,
  daysSinceLastOrder: undefined,
  orders: undefined,
  revenue: undefined,
  refunds: undefined,
  averageOrderValue: undefined,
  repeatDays: undefined,
  orders30d: 'window30',
  revenue30d: 'window30',
  orders90d: 'window90',
  revenue90d: 'window90',
  orders365d: 'window365',
  revenue365d: 'window365',
  rfm: 'rfm',
  pAlive: 'pAlive',
  expectedPurchases90d: 'expected',
};

/** The top-level names a pattern reads: its fields' first segments, in its `$or` members too. */
function fieldsRead(pattern: unknown, into: Set<string>): void {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) return;
  for (const [key, value] of Object.entries(pattern))
    if (key === '$or' && Array.isArray(value)) for (const member of value) fieldsRead(member, into);
    else into.add(key.split('.')[0] ?? key);
}

/** The parts of the view that patterns read. */
export function viewPartsRead(patterns: readonly unknown[]): ViewParts {
  const names = new Set<string>();
  for (const pattern of patterns) fieldsRead(pattern, names);
  const parts: ViewParts = { ...NO_PARTS };
  for (const name of names) {
    if (!Object.hasOwn(DERIVED_FIELDS, name)) parts.profile = true;
    const part = DERIVED_FIELDS[name];
    if (part) parts[part] = true;
  }
  // The RFM scores are made of the 365-day totals.
  if (parts.rfm) parts.window365 = true;
  return parts;
}

/** The parts `wanted` holds that `held` does not: NO_PARTS itself when none. */
function partsAdded(held: ViewParts, wanted: ViewParts): ViewParts {
  const added = { ...NO_PARTS };
  let any = false;
  for (const part of PART_NAMES) {
    added[part] = wanted[part] && !held[part];
    any ||= added[part];
  }
  return any ? added : NO_PARTS;
}

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

function valueAt(event: unknown, path: string): unknown {
  let current = event;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** Whether the event is an order or a refund by the configuration, and its amount. */
export function purchaseOf(
  model: LifecycleModel,
  event: CustomerEvent,
): { kind: 'order' | 'refund'; amount: number } | undefined {
  const { orders, refunds } = model.config.purchases;
  if (matchesPattern(model.orders, event)) return { kind: 'order', amount: amountAt(event, orders.revenue) };
  if (model.refunds && refunds && matchesPattern(model.refunds, event))
    return { kind: 'refund', amount: amountAt(event, refunds.revenue) };
  return undefined;
}

/** The purchase's amount at the configured path: its absolute value, or 0 when it is not a number. */
function amountAt(event: CustomerEvent, path: string): number {
  const amount = Number(valueAt(event, path) ?? 0);
  return Number.isFinite(amount) ? Math.abs(amount) : 0;
}

const daysBetween = (from: number | undefined, now: number) =>
  from === undefined ? null : Math.floor((now - from) / DAY_MS);
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function score(value: number, thresholds: readonly number[], lowerIsBetter: boolean): number {
  const passed = thresholds.filter((t) => (lowerIsBetter ? value <= t : value >= t)).length;
  return 1 + passed;
}

/**
 * The profile view with the lifecycle's derived fields, as of `now`: what stage rules, audiences and branch
 * conditions match against. Every field is documented in docs/lifecycle.md.
 */
export function lifecycleView(
  userId: string,
  profile: Profile,
  model: LifecycleModel | undefined,
  now: number,
): Record<string, unknown> {
  return new LifecycleClock(userId, profile, model).viewAt(now);
}

/** Whether a stage rule reads the profile view's fields (the stage itself among them), not only derived ones. */
export function readsProfileView(model: LifecycleModel): boolean {
  for (const { adds } of model.stages) if (adds.profile) return true;
  return false;
}

export type StageDecision = { stage: LifecycleStage | undefined; rule: StageRule | undefined };

export function evaluateStage(
  model: LifecycleModel,
  userId: string,
  profile: Profile,
  now: number,
): StageDecision {
  return new LifecycleClock(userId, profile, model).stageAt(now);
}

/**
 * One customer's view at any time. Finding the next stage boundary evaluates the stage at many instants, so
 * what does not depend on the time (the base view, the purchase days) is computed once, and the costly
 * expected-purchases series for stages only when a stage rule reads it. A class, not closures: it is made on
 * every input, and its methods cost nothing to make.
 */
export class LifecycleClock {
  private base: Record<string, unknown> | undefined;
  private readonly purchases: PurchaseSummary;
  private readonly days: readonly number[];
  private readonly averageOrderValue: number | null;

  constructor(
    private readonly userId: string,
    private readonly profile: Profile,
    private readonly model: LifecycleModel | undefined,
  ) {
    this.purchases = profile.purchases ?? NO_PURCHASES;
    this.days = purchaseDays(this.purchases);
    const { orders, revenue } = this.purchases;
    this.averageOrderValue = orders > 0 ? round(revenue / orders, 2) : null;
  }

  /**
   * The view at `now`; with `parts`, only those parts are computed (the others are null or left out, for
   * patterns that do not read them: viewPartsRead).
   */
  viewAt(now: number, parts: ViewParts = WHOLE_VIEW): Record<string, unknown> {
    const view = this.baseViewAt(now);
    this.addParts(view, now, parts);
    return view;
  }

  /** The view's fields that every part shares (the day counts, the order totals); the parts' fields null. */
  private baseViewAt(now: number): Record<string, unknown> {
    const { profile, purchases, days } = this;
    return {
      daysSinceFirstSeen: daysBetween(profile.firstSeenAt, now),
      daysSinceLastSeen: daysBetween(profile.lastSeenAt, now),
      daysSinceFirstOrder: daysBetween(purchases.firstOrderAt, now),
      daysSinceLastOrder: daysBetween(purchases.lastOrderAt, now),
      orders: purchases.orders,
      revenue: purchases.revenue,
      refunds: purchases.refunds,
      averageOrderValue: this.averageOrderValue,
      repeatDays: days.length > 0 ? days.length - 1 : 0,
      orders30d: null,
      orders90d: null,
      orders365d: null,
      revenue30d: null,
      revenue90d: null,
      revenue365d: null,
      rfm: null,
      pAlive: null,
      expectedPurchases90d: null,
    };
  }

  /**
   * Computes `parts` into a view at `now` made by baseViewAt: the same values as a view made with them at once,
   * whatever parts it holds already (the RFM scores read the 365-day totals: viewPartsRead asks for both).
   */
  private addParts(view: Record<string, unknown>, now: number, parts: ViewParts): void {
    const { purchases, model } = this;
    if (parts.window30) {
      const w30 = windowTotals(purchases, 30, now);
      view.orders30d = w30.orders;
      view.revenue30d = w30.revenue;
    }
    if (parts.window90) {
      const w90 = windowTotals(purchases, 90, now);
      view.orders90d = w90.orders;
      view.revenue90d = w90.revenue;
    }
    const w365 = parts.window365 || parts.rfm ? windowTotals(purchases, 365, now) : undefined;
    if (w365 && parts.window365) {
      view.orders365d = w365.orders;
      view.revenue365d = w365.revenue;
    }
    if (parts.profile) Object.assign(view, this.profileView());
    if (!model) return;
    const { rfm } = model.config;
    const sinceLast = daysBetween(purchases.lastOrderAt, now);
    if (sinceLast !== null && parts.rfm && w365) {
      const r = score(sinceLast, rfm.recencyDays, true);
      const f = score(w365.orders, rfm.frequencyOrders, false);
      const m = score(w365.revenue, rfm.monetaryRevenue, false);
      view.rfm = { r, f, m, score: `${r}${f}${m}` };
    }
    if (!(parts.pAlive || parts.expected)) return;
    const customer = this.repeatCustomerAt(now);
    if (!(model.bgnbd && customer)) return;
    if (parts.pAlive) view.pAlive = round(pAlive(model.bgnbd.params, customer), 4);
    if (parts.expected) {
      const per = model.bgnbd.unit === 'weeks' ? 7 : 1;
      view.expectedPurchases90d = round(expectedPurchases(model.bgnbd.params, customer, 90 / per), 4);
    }
  }

  /** The BG/NBD summary (x, t_x, T in the model's unit) at `now`, or undefined without a model or purchase days. */
  private repeatCustomerAt(now: number): { x: number; tx: number; T: number } | undefined {
    const { days, model } = this;
    const firstDay = days[0];
    const lastDay = days.at(-1);
    if (!model?.bgnbd || firstDay === undefined || lastDay === undefined) return undefined;
    const per = model.bgnbd.unit === 'weeks' ? 7 : 1;
    // A purchase dated after `now` (a clock behind the event's time) still counts: T is at least t_x.
    const T = Math.max(lastDay - firstDay, (now - firstDay * DAY_MS) / DAY_MS);
    return { x: days.length - 1, tx: (lastDay - firstDay) / per, T: T / per };
  }

  /** The view's pAlive at `now` (rounded as the view holds it), or null where the view's is null. */
  pAliveAt(now: number): number | null {
    const customer = this.repeatCustomerAt(now);
    if (!(this.model?.bgnbd && customer)) return null;
    return round(pAlive(this.model.bgnbd.params, customer), 4);
  }

  /** The profile view's fields, the same at any time: made once per clock. */
  private profileView(): Record<string, unknown> {
    this.base ??= profileView(this.userId, this.profile);
    return this.base;
  }

  stageAt(now: number): StageDecision {
    const { model } = this;
    if (!model) return { stage: undefined, rule: undefined };
    // Each rule on the view with the parts it and the rules before it read, added as the rules are tried.
    const view = this.baseViewAt(now);
    for (const { rule, pattern, adds } of model.stages) {
      if (adds !== NO_PARTS) this.addParts(view, now, adds);
      // The view's own names are fixed and hold no dot.
      if (matchesPlainObject(pattern, view)) return { stage: rule.stage, rule };
    }
    return { stage: undefined, rule: undefined };
  }
}
