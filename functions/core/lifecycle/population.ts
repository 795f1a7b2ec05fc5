import { JourneyCatalog } from '../engine/catalog.ts';
import { processInput } from '../engine/engine.ts';
import { type CustomerState, newCustomerState } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { LifecycleStage } from '../journeys/schema.ts';
import type { BgNbdCustomer } from './bgnbd.ts';
import { evaluateStage, lifecycleView } from './lifecycle.ts';
import type { LifecycleModel } from './lifecycle-model.ts';
import { purchaseDays } from './purchases.ts';

export type Rfm = { r: number; f: number; m: number; score: string };

/** One customer as `cairn profiles` prints it; times are ISO strings so that CSV and JSON read alike. */
export type ProfileRow = {
  userId: string;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  orders: number;
  repeatDays: number;
  revenue: number;
  daysSinceLastOrder: number | null;
  orders365d: number;
  revenue365d: number;
  rfm: Rfm | null;
  pAlive: number | null;
  expectedPurchases90d: number | null;
  stage: LifecycleStage | null;
  /** The `why` of the stage rule that matched. */
  stageReason: string | null;
};

const NO_JOURNEYS = new JourneyCatalog();

/**
 * Folds customer events into profiles with the engine itself (no journeys), so that batch reports, model fits
 * and the running system count purchases, refunds and duplicates in exactly one way. Given a catalog (its
 * segments: `cairn segments`), the states also carry the event-history counters and memberships the running
 * system keeps.
 */
export class Population {
  private readonly states = new Map<string, CustomerState>();
  eventsIn = 0;

  constructor(
    private readonly model: LifecycleModel | undefined,
    private readonly defaultTimezone = 'UTC',
    private readonly catalog: JourneyCatalog = NO_JOURNEYS,
  ) {}

  /** Runs forward only, as the runtime's clock does: a late event is processed at the latest time seen. */
  private clock = Number.NEGATIVE_INFINITY;

  add(event: CustomerEvent): void {
    this.clock = Math.max(this.clock, Date.parse(event.time));
    const userId = event.detail.userId;
    const state = this.states.get(userId) ?? newCustomerState(userId);
    const result = processInput(
      state,
      { kind: 'event', event },
      {
        now: this.clock,
        // A batch over history applies no event-time window (a 1997 file replays as it was), so nothing it
        // applied may be forgotten: a re-delivery any number of days late is still recognised.
        rememberMs: Number.POSITIVE_INFINITY,
        catalog: this.catalog,
        defaultTimezone: this.defaultTimezone,
        ...(this.model ? { lifecycle: this.model } : {}),
      },
    );
    this.states.set(userId, result.state);
    this.eventsIn++;
  }

  get size(): number {
    return this.states.size;
  }

  /** Every customer's state, in userId order. */
  customers(): CustomerState[] {
    return [...this.states.values()].sort((p, q) => (p.userId < q.userId ? -1 : p.userId > q.userId ? 1 : 0));
  }

  /** Every customer's row as of `asOf`, in userId order. */
  rows(asOf: number): ProfileRow[] {
    return this.customers().map((state) => this.row(state, asOf));
  }

  /**
   * BG/NBD's (x, t_x, T) per customer with an order, in `unit` days, as of the end of the calibration day
   * `endDay` (epoch day, inclusive): x counts purchase days after the first, t_x and T run from the first
   * purchase day to the last one and to `endDay`. Only purchases up to `endDay` may have been added.
   */
  calibrationCustomers(endDay: number, unitDays: number): BgNbdCustomer[] {
    const customers: BgNbdCustomer[] = [];
    for (const state of this.states.values()) {
      const purchases = state.profile.purchases;
      const days = purchases ? purchaseDays(purchases).filter((d) => d <= endDay) : [];
      const first = days[0];
      const last = days.at(-1);
      if (first === undefined || last === undefined) continue;
      customers.push({ x: days.length - 1, tx: (last - first) / unitDays, T: (endDay - first) / unitDays });
    }
    return customers;
  }

  private row(state: CustomerState, asOf: number): ProfileRow {
    const view = lifecycleView(state.userId, state.profile, this.model, asOf);
    const decision = this.model
      ? evaluateStage(this.model, state.userId, state.profile, asOf)
      : { stage: undefined, rule: undefined };
    const purchases = state.profile.purchases;
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return {
      userId: state.userId,
      firstOrderAt: iso(purchases?.firstOrderAt),
      lastOrderAt: iso(purchases?.lastOrderAt),
      orders: numberOr(view.orders, 0),
      repeatDays: numberOr(view.repeatDays, 0),
      revenue: numberOr(view.revenue, 0),
      daysSinceLastOrder: numberOr(view.daysSinceLastOrder, null),
      orders365d: numberOr(view.orders365d, 0),
      revenue365d: numberOr(view.revenue365d, 0),
      rfm: rfmOf(view.rfm),
      pAlive: numberOr(view.pAlive, null),
      expectedPurchases90d: numberOr(view.expectedPurchases90d, null),
      stage: decision.stage ?? null,
      stageReason: decision.rule?.why ?? null,
    };
  }
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' ? value : fallback;
}

function rfmOf(value: unknown): Rfm | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = Reflect.get(value, 'r');
  const f = Reflect.get(value, 'f');
  const m = Reflect.get(value, 'm');
  if (typeof r !== 'number' || typeof f !== 'number' || typeof m !== 'number') return null;
  return { r, f, m, score: `${r}${f}${m}` };
}

/** Customers per stage, in the order the stage rules are declared, then customers with no stage. */
export function stageCounts(rows: readonly ProfileRow[], model: LifecycleModel): [string, number][] {
  const counts = new Map<string, number>(model.config.stages.map((s) => [s.stage, 0]));
  let none = 0;
  for (const row of rows) {
    if (row.stage === null) none++;
    else counts.set(row.stage, (counts.get(row.stage) ?? 0) + 1);
  }
  return [...counts.entries(), ['(none)', none]];
}

/** Value at quantile q (0..1) of sorted numbers, by the nearest-rank method: always one of the values. */
function nearestRank(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export type RfmThresholds = { recencyDays: number[]; frequencyOrders: number[]; monetaryRevenue: number[] };

/**
 * Quintile thresholds from a population: the 20th, 40th, 60th and 80th percentiles of days since the last
 * order over customers with an order (scores 5 down to 2 at or below them), and of orders and revenue in 365
 * days over customers who ordered in those 365 days (scores 2 up to 5 above them). Customers with no order
 * in a year score 1 on frequency and monetary whatever the thresholds, so counting them would only pile the
 * quintiles onto zero in an old population. Undefined when no customer has ordered.
 */
export function suggestRfm(rows: readonly ProfileRow[]): RfmThresholds | undefined {
  const buyers = rows.filter((r) => r.daysSinceLastOrder !== null);
  if (buyers.length === 0) return undefined;
  const recent = buyers.filter((r) => r.orders365d > 0);
  const sorted = (from: readonly ProfileRow[], pick: (r: ProfileRow) => number) =>
    from.map(pick).sort((a, b) => a - b);
  const quintiles = (values: number[]) => [0.2, 0.4, 0.6, 0.8].map((q) => nearestRank(values, q));
  // "At least t" earns the higher score, so each cut sits just above its quintile.
  const above = (values: number[]) => quintiles(values).map((v) => nextAbove(values, v));
  return {
    recencyDays: quintiles(sorted(buyers, (r) => r.daysSinceLastOrder ?? 0)),
    frequencyOrders: recent.length > 0 ? above(sorted(recent, (r) => r.orders365d)) : [1, 1, 1, 1],
    monetaryRevenue: recent.length > 0 ? above(sorted(recent, (r) => r.revenue365d)) : [0, 0, 0, 0],
  };
}

/** The smallest value in `sorted` greater than v, or v itself when there is none. */
function nextAbove(sorted: readonly number[], v: number): number {
  for (const x of sorted) if (x > v) return x;
  return v;
}
