import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import {
  countWithin,
  historyKey,
  historySpecs,
  recordHistory,
} from '../../../functions/core/segments/history.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const ORDERS = { 'detail-type': ['Order Completed'] };

function event(type: string, at: number): CustomerEvent {
  return {
    version: '0',
    id: `${type}-${at}`,
    source: 'shop',
    'detail-type': type,
    time: new Date(at).toISOString(),
    resources: [],
    detail: { userId: 'u', properties: {} },
  };
}

describe('history counters', () => {
  it('counts matching events in a rolling window, exactly to the second it ends', () => {
    // Prepare: "at least 3 orders in 7 days" keeps 3 times.
    const specs = historySpecs([{ event: ORDERS, within: 'P7D', atLeast: 3 }]);
    const key = historyKey(ORDERS);
    let history: ReturnType<typeof recordHistory>;
    for (const [i, type] of ['Order Completed', 'Product Viewed', 'Order Completed'].entries())
      history = recordHistory(history, specs, event(type, T0 + i * DAY), T0 + i * DAY);

    // Act
    const atThird = countWithin(history, key, 7 * DAY, T0 + 2 * DAY);
    const justBefore = countWithin(history, key, 7 * DAY, T0 + 7 * DAY - 1);
    const atEnd = countWithin(history, key, 7 * DAY, T0 + 7 * DAY);

    // Assess
    expect(atThird).toBe(2);
    expect(justBefore).toBe(2);
    expect(atEnd).toBe(1);
  });

  it('keeps no more times than the largest count asked for, and only the patterns in use', () => {
    // Prepare: at most 1 view in 30 days needs 2 times; an old counter nobody uses any more.
    const views = { 'detail-type': ['Product Viewed'] };
    const specs = historySpecs([{ event: views, within: 'P30D', atMost: 1 }]);
    let history: ReturnType<typeof recordHistory> = { stale123: [1] };

    // Act
    for (let i = 0; i < 10; i++)
      history = recordHistory(history, specs, event('Product Viewed', T0 + i * 60_000), T0 + i * 60_000);

    // Assess
    expect(history).toEqual({ [historyKey(views)]: [(T0 + 9 * 60_000) / 1000, (T0 + 8 * 60_000) / 1000] });
  });

  it('gives the same counters whatever order the events arrive in', () => {
    const specs = historySpecs([
      { event: ORDERS, within: 'P10D', atLeast: 2 },
      { event: ORDERS, within: 'P3D', atMost: 2 },
    ]);
    const now = T0 + 20 * DAY;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 * 24 }), { maxLength: 12 }), (hours) => {
        // Prepare
        const events = hours.map((h) => event('Order Completed', T0 + h * 3_600_000));
        const fold = (list: CustomerEvent[]) =>
          list.reduce<ReturnType<typeof recordHistory>>((h, e) => recordHistory(h, specs, e, now), undefined);

        // Act
        const forward = fold(events);
        const backward = fold([...events].reverse());

        // Assess
        expect(backward).toEqual(forward);
      }),
    );
  });
});
