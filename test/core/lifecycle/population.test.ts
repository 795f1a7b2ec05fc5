import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadLifecycleConfig } from '../../../functions/core/lifecycle/lifecycle-file.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import {
  Population,
  type ProfileRow,
  stageCounts,
  suggestRfm,
} from '../../../functions/core/lifecycle/population.ts';
import { customerEvent, DAY } from '../../support/journeys.ts';

const T0 = Date.parse('1997-01-01T12:00:00Z');

async function defaultModel() {
  const text = await readFile('journeys/lifecycle.yaml', 'utf8');
  const { config, problems } = loadLifecycleConfig('journeys/lifecycle.yaml', text);
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  return compileLifecycle(config);
}

function order(userId: string, at: number, revenue: number, orderId: string) {
  return customerEvent('Order Completed', userId, at, { orderId, revenue });
}

function row(daysSinceLastOrder: number | null, orders365d: number, revenue365d: number): ProfileRow {
  return {
    userId: 'u',
    firstOrderAt: null,
    lastOrderAt: null,
    orders: orders365d,
    repeatDays: 0,
    revenue: revenue365d,
    daysSinceLastOrder,
    orders365d,
    revenue365d,
    rfm: null,
    pAlive: null,
    expectedPurchases90d: null,
    stage: null,
    stageReason: null,
  };
}

describe('Population', () => {
  it("summarises each buyer's purchase days for BG/NBD as of the calibration end day, in weeks", async () => {
    // Prepare
    const population = new Population(await defaultModel());
    population.add(order('a', T0, 10, 'a1'));
    population.add(order('a', T0 + 14 * DAY, 10, 'a2'));
    population.add(order('a', T0 + 14 * DAY + 3_600_000, 10, 'a3')); // the same day: one purchase day
    population.add(order('b', T0 + 7 * DAY, 10, 'b1'));
    population.add(order('b', T0 + 70 * DAY, 10, 'b2')); // after the calibration end: not counted
    population.add(customerEvent('Product Viewed', 'c', T0, {})); // never bought: not a BG/NBD customer
    const endDay = Math.floor((T0 + 28 * DAY) / DAY);

    // Act
    const customers = population.calibrationCustomers(endDay, 7);

    // Assess
    expect(customers).toEqual([
      { x: 1, tx: 2, T: 4 },
      { x: 0, tx: 0, T: 3 },
    ]);
  });

  it('counts a re-delivered event once, as the engine does', async () => {
    // Prepare
    const population = new Population(await defaultModel());
    const event = order('a', T0, 25, 'a1');

    // Act
    population.add(event);
    population.add(event);

    // Assess
    const [profile] = population.rows(T0 + DAY);
    expect(profile).toMatchObject({ userId: 'a', orders: 1, revenue: 25, stage: 'new' });
  });
});

describe('aggregates through the engine', () => {
  it('are the same whatever order events and their re-deliveries arrive in', async () => {
    const model = await defaultModel();
    const purchase = fc.record({
      day: fc.integer({ min: 0, max: 400 }),
      revenue: fc.integer({ min: 0, max: 50_000 }).map((c) => c / 100),
      refund: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(purchase, { minLength: 1, maxLength: 25 }).chain((list) => {
          const events = list.map((p, i) =>
            customerEvent(p.refund ? 'Order Refunded' : 'Order Completed', 'a', T0 + p.day * DAY, {
              orderId: `o${i}`,
              revenue: p.revenue,
            }),
          );
          // Every event delivered once or twice, in any order.
          return fc
            .tuple(
              fc.constant(events),
              fc.array(fc.boolean(), { minLength: events.length, maxLength: events.length }),
            )
            .chain(([all, twice]) => {
              const deliveries = [...all, ...all.filter((_, i) => twice[i])];
              return fc.tuple(
                fc.constant(all),
                fc.shuffledSubarray(deliveries, {
                  minLength: deliveries.length,
                  maxLength: deliveries.length,
                }),
              );
            });
        }),
        ([once, shuffled]) => {
          // Prepare
          const inOrder = new Population(model);
          const mixed = new Population(model);

          // Act
          for (const event of once) inOrder.add(event);
          for (const event of shuffled) mixed.add(event);

          // Assess
          const asOf = T0 + 401 * DAY;
          const [expected] = inOrder.rows(asOf);
          const [actual] = mixed.rows(asOf);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('suggestRfm', () => {
  it('cuts recency at the quintiles of all buyers, frequency and monetary of those who bought within a year', () => {
    // Prepare: 100 buyers of the last year with 1..100 orders and revenue, 50 who lapsed, one who never bought.
    const rows = [
      ...Array.from({ length: 100 }, (_, i) => row(i + 1, i + 1, 10 * (i + 1))),
      ...Array.from({ length: 50 }, () => row(500, 0, 0)),
      row(null, 0, 0),
    ];

    // Act
    const suggested = suggestRfm(rows);

    // Assess
    expect(suggested).toEqual({
      recencyDays: [30, 60, 90, 500],
      frequencyOrders: [21, 41, 61, 81],
      monetaryRevenue: [210, 410, 610, 810],
    });
  });

  it('has nothing to suggest without a buyer', () => {
    expect(suggestRfm([row(null, 0, 0)])).toBeUndefined();
  });
});

describe('stageCounts', () => {
  it('counts every declared stage, in rule order, and customers with none', async () => {
    // Prepare
    const model = await defaultModel();
    const rows = [{ ...row(1, 1, 1), stage: 'active' as const }, row(null, 0, 0)];

    // Act
    const counts = stageCounts(rows, model);

    // Assess
    expect(counts).toEqual([
      ['new', 0],
      ['vip', 0],
      ['lapsed', 0],
      ['at_risk', 0],
      ['active', 1],
      ['(none)', 1],
    ]);
  });
});
