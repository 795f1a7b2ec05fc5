import { describe, expect, it } from 'vitest';
import type { SimulationPart } from '../../../functions/core/simulate/part.ts';
import {
  boundAskers,
  cheaperApart,
  coupledAskers,
  waitCoupled,
} from '../../../functions/core/simulate/subset.ts';

type Asked = SimulationPart['rateAsked'][number];

const part = (rateAsked: Asked[]): SimulationPart => ({
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
  pacedStops: [],
  waits: null,
});

/** Sends of `customers` (one each) asking `journeyId` for `second`, with a limit of 3 a second. */
const asked = (journeyId: string, second: number, ...customers: string[]): Asked => ({
  journeyId,
  second,
  count: customers.length,
  perSecond: 3,
  customers,
});

describe('a send-rate limit across shares', () => {
  it('bound when the shares together asked one second for more sends than it allows, not before', () => {
    // Prepare: a limit of 3 a second; two shares asking second 100 for 2 and 1, then 2 and 2.
    const fits = [
      part([asked('promo', 100, 'a', 'b'), asked('promo', 101, 'c', 'd', 'e')]),
      part([asked('promo', 100, 'f')]),
    ];
    const over = [
      part([asked('promo', 100, 'a', 'b'), asked('other', 100, 'c')]),
      part([asked('promo', 100, 'd', 'e')]),
    ];

    // Act
    const fitting = boundAskers(fits);
    const bound = boundAskers(over);

    // Assess
    expect(fitting.journeys).toEqual(new Set());
    expect(bound.journeys).toEqual(new Set(['promo']));
    expect([...bound.customers].sort()).toEqual(['a', 'b', 'd', 'e']);
  });

  it('couples the customers of the seconds its queue reached, and not those of the seconds it had left', () => {
    // Prepare: 5 sends at 100 queue 2 into 101, which with its own 2 is over too: 1 into 102, which has room
    // for its 1. 103 is asked after the queue is gone.
    const parts = [
      part([asked('promo', 100, 'a', 'b', 'c'), asked('promo', 101, 'f'), asked('promo', 103, 'i')]),
      part([asked('promo', 100, 'd', 'e'), asked('promo', 101, 'g'), asked('promo', 102, 'h')]),
    ];

    // Act
    const bound = boundAskers(parts);

    // Assess
    expect([...bound.customers].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it("after the rerun, couples the rest's customers whose seconds the subset's queue now reaches", () => {
    // Prepare: in the first pass, x asked promo for 200 and the subset (s, t) for 199, 1 each (within the limit);
    // rerun together, the subset asks 199 for 5 (its sends moved there), a queue of 2 reaching 200.
    const parallel = [
      part([asked('promo', 199, 's'), asked('promo', 200, 'x')]),
      part([asked('promo', 199, 't')]),
    ];
    const shadow = [part([asked('promo', 199, 's')]), part([asked('promo', 199, 't')])];
    const together = part([asked('promo', 199, 's', 't', 's', 't', 's')]);
    const within = part([asked('promo', 199, 's', 't')]);
    const subset = new Set(['s', 't']);

    // Act
    const coupled = coupledAskers({ parallel, shadow, together }, subset);
    const notCoupled = coupledAskers({ parallel, shadow, together: within }, subset);

    // Assess
    expect(coupled).toEqual(new Set(['x']));
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
