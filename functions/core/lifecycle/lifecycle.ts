import type { LifecycleStage } from '../journeys/schema.ts';
import { matchesPlainObject } from '../patterns/index.ts';
import { type Profile, profileView } from '../profile/profile.ts';
import { expectedPurchases, pAlive } from './bgnbd.ts';
import type { StageRule } from './config.ts';
import type { LifecycleModel } from './lifecycle-model.ts';
import { DAY_MS, NO_PURCHASES, type PurchaseSummary, purchaseDays, windowTotals } from './purchases.ts';
import { NO_PARTS, type ViewParts, WHOLE_VIEW } from './view-parts.ts';

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
