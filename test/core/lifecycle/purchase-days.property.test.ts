import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  decodePurchaseDays,
  emptyPurchases,
  NO_PURCHASES,
  type PurchaseSummary,
  purchaseDays,
  recordPurchase,
  windowTotals,
} from '../../../functions/core/lifecycle/purchases.ts';

// purchaseDays remembers the days it decoded by summary, and the lifecycle reads NO_PURCHASES for a customer
// without any: both must answer as the plain computation does, for every summary of a history, asked in any
// order (a summary is never changed; an update makes a new one).

const NOW = Date.parse('2026-11-23T12:00:00Z');

const purchase = fc.record({
  kind: fc.constantFrom('order' as const, 'order' as const, 'refund' as const),
  at: fc.integer({ min: NOW - 400 * DAY_MS, max: NOW }),
  amount: fc.integer({ min: 1, max: 50_000 }).map((cents) => cents / 100),
});

/** Every summary a history passes through, the empty one first. */
function summariesOf(purchases: readonly { kind: 'order' | 'refund'; at: number; amount: number }[]) {
  const summaries: PurchaseSummary[] = [emptyPurchases()];
  for (const { kind, at, amount } of purchases) {
    const last = summaries[summaries.length - 1] ?? emptyPurchases();
    summaries.push(recordPurchase(last, kind, at, amount, NOW));
  }
  return summaries;
}

const plainDays = (summary: PurchaseSummary): number[] =>
  summary.bitmapStart === undefined ? [] : decodePurchaseDays(summary.bitmap, summary.bitmapStart);

describe('purchase days remembered by summary', () => {
  it('are the decoded days of each summary, whichever summary is asked first or again', () => {
    fc.assert(
      fc.property(
        fc.array(purchase, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (history, asks) => {
          // Prepare
          const summaries = summariesOf(history);

          // Act
          const answers = asks.map((ask) => {
            const summary = summaries[ask % summaries.length] ?? emptyPurchases();
            return { summary, days: purchaseDays(summary) };
          });

          // Assess
          for (const { summary, days } of answers) expect([...days]).toEqual(plainDays(summary));
          for (const summary of summaries) expect([...purchaseDays(summary)]).toEqual(plainDays(summary));
        },
      ),
    );
  });

  it('cannot be changed by a caller', () => {
    // Prepare
    const summary = recordPurchase(emptyPurchases(), 'order', NOW - DAY_MS, 10, NOW);

    // Act
    const days = purchaseDays(summary);

    // Assess
    expect(Object.isFrozen(days)).toBe(true);
    expect(purchaseDays(summary)).toBe(days);
  });
});

describe('the summary of a customer without purchases', () => {
  it('is the empty summary, frozen, and reads as it does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (days) => {
        // Act
        const shared = windowTotals(NO_PURCHASES, days, NOW);

        // Assess
        expect(shared).toEqual(windowTotals(emptyPurchases(), days, NOW));
      }),
    );
    expect(NO_PURCHASES).toEqual(emptyPurchases());
    expect(Object.isFrozen(NO_PURCHASES) && Object.isFrozen(NO_PURCHASES.days)).toBe(true);
    expect(Object.isFrozen(NO_PURCHASES.weeks)).toBe(true);
    expect(purchaseDays(NO_PURCHASES)).toEqual([]);
  });
});
