import * as z from 'zod';

/**
 * A customer's purchases, kept as a bounded summary so a profile stays small however much they buy:
 * - totals since the first order;
 * - per-day buckets for the last 90 days and per-week buckets up to 371 days back, for rolling windows;
 * - a bitmap of purchase days since the first one, for repeat-purchase days (BG/NBD's x and t_x).
 * Every update is commutative (sums, minimum, maximum, bitwise or), so the summary does not depend on the
 * order events arrive in. Re-delivered events are filtered before they get here (the engine's input dedupe).
 */
export const PurchaseSummary = z.lazy(() =>
  z.object({
    firstOrderAt: z.number().optional(),
    lastOrderAt: z.number().optional(),
    orders: z.number(),
    /** Net of refunds, in the currency's main unit, rounded to cents. */
    revenue: z.number(),
    refunds: z.number(),
    /** [epoch day, orders, revenue] for days with activity, newest first, at most 90 days old. */
    days: z.array(z.tuple([z.number(), z.number(), z.number()])),
    /** [epoch week, orders, revenue], for activity older than the day buckets, at most 53 weeks old. */
    weeks: z.array(z.tuple([z.number(), z.number(), z.number()])),
    /** Base64 bitmap: bit i set when there was an order on epoch day `bitmapStart + i`. */
    bitmapStart: z.number().optional(),
    bitmap: z.string(),
  }),
);
export type PurchaseSummary = z.infer<typeof PurchaseSummary>;

export const DAY_MS = 86_400_000;
const DAY_BUCKETS = 90;
const WEEK_BUCKETS = 53;

export function emptyPurchases(): PurchaseSummary {
  return { orders: 0, revenue: 0, refunds: 0, days: [], weeks: [], bitmap: '' };
}

/**
 * The summary of a customer without purchases, for reading only (frozen): the lifecycle clock and the boundary
 * searches read it on every input of such a customer, where each made a new one.
 */
export const NO_PURCHASES: PurchaseSummary = frozenEmptyPurchases();

function frozenEmptyPurchases(): PurchaseSummary {
  const summary = emptyPurchases();
  Object.freeze(summary.days);
  Object.freeze(summary.weeks);
  return Object.freeze(summary);
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
const weekOf = (day: number) => Math.floor(day / 7);
const cents = (amount: number) => Math.round(amount * 100) / 100;

function addToBuckets(
  buckets: PurchaseSummary['days'],
  key: number,
  orders: number,
  revenue: number,
): PurchaseSummary['days'] {
  const existing = buckets.find((b) => b[0] === key);
  const others = buckets.filter((b) => b[0] !== key);
  const merged: [number, number, number] = existing
    ? [key, existing[1] + orders, cents(existing[2] + revenue)]
    : [key, orders, cents(revenue)];
  return [...others, merged].sort((a, b) => b[0] - a[0]);
}

function setBit(summary: PurchaseSummary, day: number): Pick<PurchaseSummary, 'bitmap' | 'bitmapStart'> {
  const start = summary.bitmapStart ?? day;
  const bytes = Buffer.from(summary.bitmap, 'base64');
  const newStart = Math.min(start, day);
  const shift = start - newStart;
  const next = Buffer.alloc(Math.ceil(Math.max(bytes.length * 8 + shift, day - newStart + 1) / 8));
  if (shift === 0) bytes.copy(next);
  else {
    // An order older than the first known one moves the start back: shift the existing bits along.
    for (let i = 0; i < bytes.length * 8; i++) {
      if (((bytes[i >> 3] ?? 0) >> (i & 7)) & 1)
        next[(i + shift) >> 3] = (next[(i + shift) >> 3] ?? 0) | (1 << ((i + shift) & 7));
    }
  }
  const bit = day - newStart;
  next[bit >> 3] = (next[bit >> 3] ?? 0) | (1 << (bit & 7));
  return { bitmap: next.toString('base64'), bitmapStart: newStart };
}

/**
 * Epoch days with at least one order, oldest first (frozen). A summary is never changed (an update makes a new
 * one), so its days are decoded once and remembered by the summary: the lifecycle clock asks on every input.
 */
export function purchaseDays(summary: PurchaseSummary): readonly number[] {
  if (summary.bitmapStart === undefined) return NO_DAYS;
  let days = decodedDays.get(summary);
  if (days === undefined) {
    days = Object.freeze(decodePurchaseDays(summary.bitmap, summary.bitmapStart));
    decodedDays.set(summary, days);
  }
  return days;
}

const NO_DAYS: readonly number[] = Object.freeze([]);
const decodedDays = new WeakMap<PurchaseSummary, readonly number[]>();

/** The days of a bitmap whose bit i is day `start + i`: purchaseDays without remembering. */
export function decodePurchaseDays(bitmap: string, start: number): number[] {
  const bytes = Buffer.from(bitmap, 'base64');
  const days: number[] = [];
  for (let i = 0; i < bytes.length * 8; i++) if (((bytes[i >> 3] ?? 0) >> (i & 7)) & 1) days.push(start + i);
  return days;
}

/** Moves day buckets older than 90 days into week buckets, and drops weeks older than the window, as of `now`. */
export function agePurchases(summary: PurchaseSummary, now: number): PurchaseSummary {
  const today = dayOf(now);
  const stale = summary.days.filter(([day]) => day <= today - DAY_BUCKETS);
  let weeks = summary.weeks;
  for (const [day, orders, revenue] of stale) weeks = addToBuckets(weeks, weekOf(day), orders, revenue);
  weeks = weeks.filter(([week]) => week > weekOf(today) - WEEK_BUCKETS);
  if (stale.length === 0 && weeks.length === summary.weeks.length) return summary;
  return { ...summary, days: summary.days.filter(([day]) => day > today - DAY_BUCKETS), weeks };
}

/** Adds an order (positive revenue) or a refund (revenue taken back) at time `at`, as of `now`. */
export function recordPurchase(
  summary: PurchaseSummary,
  kind: 'order' | 'refund',
  at: number,
  amount: number,
  now: number,
): PurchaseSummary {
  const day = dayOf(at);
  const signed = kind === 'order' ? amount : -amount;
  const orders = kind === 'order' ? 1 : 0;
  let next: PurchaseSummary = {
    ...summary,
    orders: summary.orders + orders,
    revenue: cents(summary.revenue + signed),
    refunds: summary.refunds + (kind === 'refund' ? 1 : 0),
  };
  if (kind === 'order') {
    next.firstOrderAt = Math.min(summary.firstOrderAt ?? at, at);
    next.lastOrderAt = Math.max(summary.lastOrderAt ?? at, at);
    next = { ...next, ...setBit(summary, day) };
  }
  const today = dayOf(now);
  if (day > today - DAY_BUCKETS) next.days = addToBuckets(next.days, day, orders, signed);
  else if (weekOf(day) > weekOf(today) - WEEK_BUCKETS)
    next.weeks = addToBuckets(next.weeks, weekOf(day), orders, signed);
  return agePurchases(next, now);
}

export type WindowTotals = { orders: number; revenue: number };

/**
 * Orders and revenue in the last `days` days as of `now`. Exact to the day within 90 days; beyond, whole
 * weeks count when their first day is inside the window.
 */
export function windowTotals(summary: PurchaseSummary, days: number, now: number): WindowTotals {
  const from = dayOf(now) - days + 1;
  let orders = 0;
  let revenue = 0;
  for (const { 0: day, 1: o, 2: r } of summary.days) {
    if (day >= from) {
      orders += o;
      revenue += r;
    }
  }
  for (const { 0: week, 1: o, 2: r } of summary.weeks) {
    if (week * 7 >= from) {
      orders += o;
      revenue += r;
    }
  }
  return { orders, revenue: cents(revenue) };
}

/** The model's per-customer summary in days: repeat purchase days x, last repeat t_x and age T. */
export function repeatSummary(
  summary: PurchaseSummary,
  now: number,
): { x: number; tx: number; T: number } | undefined {
  const days = purchaseDays(summary);
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return undefined;
  return { x: days.length - 1, tx: last - first, T: Math.max(0, (now - first * DAY_MS) / DAY_MS) };
}
