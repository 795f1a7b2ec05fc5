import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  emptyPurchases,
  type PurchaseSummary,
  purchaseDays,
  recordPurchase,
  repeatSummary,
  windowTotals,
} from '../../../functions/core/lifecycle/purchases.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
type Purchase = { kind: 'order' | 'refund'; at: number; amount: number };

function apply(purchases: readonly Purchase[], now = NOW): PurchaseSummary {
  return purchases.reduce((s, p) => recordPurchase(s, p.kind, p.at, p.amount, now), emptyPurchases());
}

describe('purchase summary', () => {
  it('keeps totals, first and last order, and average inputs', () => {
    const summary = apply([
      { kind: 'order', at: NOW - 10 * DAY_MS, amount: 40 },
      { kind: 'order', at: NOW - 2 * DAY_MS, amount: 60.5 },
    ]);

    expect(summary).toMatchObject({
      orders: 2,
      revenue: 100.5,
      refunds: 0,
      firstOrderAt: NOW - 10 * DAY_MS,
      lastOrderAt: NOW - 2 * DAY_MS,
    });
  });

  it('reduces revenue on a refund without counting an order', () => {
    const summary = apply([
      { kind: 'order', at: NOW - 3 * DAY_MS, amount: 80 },
      { kind: 'refund', at: NOW - 1 * DAY_MS, amount: 30 },
    ]);

    expect(summary).toMatchObject({ orders: 1, revenue: 50, refunds: 1 });
    expect(windowTotals(summary, 30, NOW)).toEqual({ orders: 1, revenue: 50 });
  });

  it('counts rolling windows to the day within 90 days', () => {
    const summary = apply([
      { kind: 'order', at: NOW - 29 * DAY_MS, amount: 10 },
      { kind: 'order', at: NOW - 30 * DAY_MS, amount: 20 },
      { kind: 'order', at: NOW - 89 * DAY_MS, amount: 40 },
      { kind: 'order', at: NOW - 200 * DAY_MS, amount: 80 },
      { kind: 'order', at: NOW - 400 * DAY_MS, amount: 160 },
    ]);

    expect(windowTotals(summary, 30, NOW)).toEqual({ orders: 1, revenue: 10 });
    expect(windowTotals(summary, 90, NOW)).toEqual({ orders: 3, revenue: 70 });
    expect(windowTotals(summary, 365, NOW)).toEqual({ orders: 4, revenue: 150 });
    expect(summary.orders).toBe(5);
  });

  it('counts purchases on the same day once as repeat-purchase days', () => {
    const day0 = Date.parse('2026-06-01T09:00:00Z');
    const summary = apply([
      { kind: 'order', at: day0, amount: 10 },
      { kind: 'order', at: day0 + 3 * 3_600_000, amount: 10 },
      { kind: 'order', at: day0 + 10 * DAY_MS, amount: 10 },
      { kind: 'order', at: day0 + 25 * DAY_MS, amount: 10 },
    ]);

    expect(purchaseDays(summary)).toHaveLength(3);
    expect(repeatSummary(summary, day0 + 30 * DAY_MS)).toEqual({ x: 2, tx: 25, T: 30 + 9 / 24 });
  });

  const purchaseArb: fc.Arbitrary<Purchase> = fc.record({
    kind: fc.constantFrom<'order' | 'refund'>('order', 'order', 'order', 'refund'),
    at: fc.integer({ min: NOW - 800 * DAY_MS, max: NOW }),
    amount: fc.integer({ min: 1, max: 100_000 }).map((c) => c / 100),
  });

  it('is the same whatever order the purchases arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(purchaseArb, { maxLength: 40 })
          .chain((list) =>
            fc.tuple(
              fc.constant(list),
              fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
            ),
          ),
        ([inOrder, shuffled]) => {
          const a = apply(inOrder);
          const b = apply(shuffled);
          expect(b.orders).toBe(a.orders);
          expect(b.revenue).toBeCloseTo(a.revenue, 2);
          expect(b.firstOrderAt).toBe(a.firstOrderAt);
          expect(b.lastOrderAt).toBe(a.lastOrderAt);
          expect(purchaseDays(b)).toEqual(purchaseDays(a));
          for (const window of [30, 90, 365]) {
            expect(windowTotals(b, window, NOW).orders).toBe(windowTotals(a, window, NOW).orders);
            expect(windowTotals(b, window, NOW).revenue).toBeCloseTo(windowTotals(a, window, NOW).revenue, 2);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('only ever reduces revenue with refunds', () => {
    fc.assert(
      fc.property(
        fc.array(purchaseArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 50_000 }),
        (list, refundCents) => {
          const before = apply(list);
          const after = recordPurchase(before, 'refund', NOW - DAY_MS, refundCents / 100, NOW);
          return (
            after.revenue < before.revenue &&
            windowTotals(after, 30, NOW).revenue < windowTotals(before, 30, NOW).revenue + 1e-9
          );
        },
      ),
    );
  });

  it('stays under 4 KB serialised after 10,000 orders', () => {
    // Prepare: 10,000 orders spread over ten years, and as many in the last 90 days alone
    const spread = Array.from(
      { length: 10_000 },
      (_, i): Purchase => ({
        kind: 'order',
        at: NOW - ((i * 7919) % 3650) * DAY_MS,
        amount: 12.34 + (i % 97),
      }),
    );
    const recent = Array.from(
      { length: 10_000 },
      (_, i): Purchase => ({ kind: 'order', at: NOW - (i % 90) * DAY_MS - (i % 13) * 60_000, amount: 99.99 }),
    );

    // Act
    const sizes = [spread, recent].map((list) => JSON.stringify(apply(list)).length);

    // Assess
    for (const size of sizes) expect(size).toBeLessThan(4096);
    expect(apply(spread).orders).toBe(10_000);
  });
});
