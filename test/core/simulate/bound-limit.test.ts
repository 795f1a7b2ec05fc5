import { describe, expect, it } from 'vitest';
import type { SimulationPart } from '../../../functions/core/simulate/part.ts';
import {
  askersOf,
  cheaperApart,
  coupledJourneys,
  overLimit,
  waitCoupled,
} from '../../../functions/core/simulate/subset.ts';

type Asked = SimulationPart['rateAsked'][number];

const part = (rateAsked: Asked[], rateAskers: Record<string, string[]> = {}): SimulationPart => ({
  eventsIn: 0,
  lateEvents: 0,
  pendingTimers: 0,
  redriven: 0,
  until: 0,
  runErrors: [],
  messages: { files: [], count: 0, sent: 0 },
  enrollments: { files: [], count: 0 },
  deadLetters: [],
  journeys: {},
  runs: [],
  facts: {},
  timeline: [],
  rateAsked,
  rateAskers,
  pacedStops: [],
  waits: null,
});

const asked = (journeyId: string, second: number, count: number): Asked => ({
  journeyId,
  second,
  count,
  perSecond: 3,
});

describe('a send-rate limit across shares', () => {
  it('bound when the shares together asked one second for more sends than it allows, not before', () => {
    // Prepare: a limit of 3 a second; two shares asking second 100 for 2 and 1, then 2 and 2.
    const fits = [part([asked('promo', 100, 2), asked('promo', 101, 3)]), part([asked('promo', 100, 1)])];
    const over = [part([asked('promo', 100, 2), asked('other', 100, 1)]), part([asked('promo', 100, 2)])];

    // Act, Assess
    expect(overLimit(fits.map((p) => p.rateAsked))).toEqual(new Set());
    expect(overLimit(over.map((p) => p.rateAsked))).toEqual(new Set(['promo']));
  });

  it('couples the customers of every share whose sends asked for a bound journey, and no others', () => {
    // Prepare
    const parts = [part([], { promo: ['a', 'b'], other: ['c'] }), part([], { promo: ['d'], welcome: ['e'] })];

    // Act
    const askers = askersOf(parts, new Set(['promo']));

    // Assess
    expect([...askers].sort()).toEqual(['a', 'b', 'd']);
  });

  it('after the rerun, couples a journey the rest asked for too only where both together are over its limit', () => {
    // Prepare: the rest asked `welcome` for 2 sends at second 200 (3 in the parallel pass, 1 the subset's);
    // the subset, together, now asks it for 2 at second 200 (over: 4 > 3) and `promo` for 6 at 100 (only theirs).
    const parallel = [part([asked('welcome', 200, 3), asked('promo', 100, 3)])];
    const shadow = [part([asked('welcome', 200, 1), asked('promo', 100, 3)])];
    const together = part([asked('welcome', 200, 2), asked('promo', 100, 6)]);
    const apart = part([asked('welcome', 201, 2), asked('promo', 100, 6)]);

    // Act
    const coupled = coupledJourneys({ parallel, shadow, together });
    const notCoupled = coupledJourneys({ parallel, shadow, together: apart });

    // Assess
    expect(coupled).toEqual(new Set(['welcome']));
    expect(notCoupled).toEqual(new Set());
  });

  it("couples a customer's wait with a paced stop inside it, or one that ended at a stop one simulation lacks", () => {
    // Prepare: the subset's paced stops at 10 s and 20 s; the share's own at 30 s.
    const subsetStops = [10_000, 20_000];
    const subsetSet = new Set(subsetStops);
    const shareStops = new Set([30_000]);
    const wait = (from: number, to: number) => ({ userId: 'u', from, to });

    // Act, Assess
    expect(waitCoupled(wait(5_000, 15_000), shareStops, subsetStops, subsetSet)).toBe(true);
    expect(waitCoupled(wait(10_000, 12_000), shareStops, subsetStops, subsetSet)).toBe(true);
    expect(waitCoupled(wait(11_000, 20_000), shareStops, subsetStops, subsetSet)).toBe(false);
    expect(waitCoupled(wait(21_000, 30_000), shareStops, subsetStops, subsetSet)).toBe(true);
    expect(waitCoupled(wait(21_000, 29_000), shareStops, subsetStops, subsetSet)).toBe(false);
  });

  it('simulates a subset apart while its lines, simulated twice, are fewer than the whole file', () => {
    // Act, Assess
    expect(cheaperApart(49, 100)).toBe(true);
    expect(cheaperApart(50, 100)).toBe(false);
  });
});
