import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileOf } from '../../../functions/core/engine/bucket.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import type { Journey } from '../../../functions/core/journeys/schema.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { customerEvent, journeyFromYaml, MINUTE } from '../../support/journeys.ts';
import { testConfig } from '../../support/simulation.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const JOURNEYS = [
  `
id: welcome
name: Welcome
status: active
trigger: { event: { detail-type: [Signed Up] } }
entry: { reentry: PT6H }
goal: { pattern: { detail-type: [Order Completed] }, within: P2D }
exit: [{ name: ordered, pattern: { detail-type: [Order Completed] } }]
steps:
  - { id: hello, type: send, channel: email, template: welcome, next: pause }
  - { id: pause, type: wait, duration: PT3H, next: nudge }
  - { id: nudge, type: send, channel: [push, email], template: nudge }
`,
  `
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
entry: { reentry: always, dedupeBy: detail.properties.cartId }
goal: { pattern: { detail-type: [Order Completed] }, correlate: [detail.properties.cartId], within: P1D }
limits: { perDay: 2 }
steps:
  - id: wait-for-order
    type: wait
    event: { pattern: { detail-type: [Order Completed] }, correlate: [detail.properties.cartId] }
    timeout: PT30M
    next: done
    onTimeout: control
  - { id: control, type: holdout, percent: 20, next: ab }
  - id: ab
    type: split
    variants:
      - { name: a, percent: 50, next: remind-a }
      - { name: b, percent: 50, next: remind-b }
  - { id: remind-a, type: send, channel: [push, email], template: cart-a }
  - { id: remind-b, type: send, channel: [sms, email], template: cart-b }
  - { id: done, type: exit }
`,
].map(journeyFromYaml);

/** An edited version of a journey: same id, different content hash. */
function edited(journey: Journey, round: number): Journey {
  return { ...journey, description: `edit ${round}` };
}

type Step = {
  user: string;
  kind: 'Signed Up' | 'Product Added' | 'Order Completed' | 'Product Viewed';
  cart: string;
  gapMinutes: number;
  edit: boolean;
};

const stepArb: fc.Arbitrary<Step> = fc.record({
  user: fc.constantFrom('u1', 'u2', 'u3'),
  kind: fc.constantFrom('Signed Up', 'Product Added', 'Order Completed', 'Product Viewed'),
  cart: fc.constantFrom('c1', 'c2', 'c3'),
  gapMinutes: fc.integer({ min: 0, max: 400 }),
  edit: fc.boolean(),
});

function toEvents(steps: Step[]): { event: CustomerEvent; edit: boolean }[] {
  let time = T0;
  return steps.map((s, i) => {
    time += s.gapMinutes * MINUTE;
    return { event: customerEvent(s.kind, s.user, time, { cartId: s.cart }, { id: `e${i}` }), edit: s.edit };
  });
}

/** Runs a simulation and returns every effect in order; edits add new journey versions between events. */
async function run(inputs: { event: CustomerEvent; edit: boolean }[], withEdits: boolean): Promise<Effect[]> {
  const config = testConfig({ journeys: JOURNEYS });
  const { catalog } = config;
  const effects: Effect[] = [];
  const simulation = new Simulation({
    config,
    observer: { observe: (o) => (o.type === 'applied' ? effects.push(...o.effects) : undefined) },
  });
  for (const [round, { event, edit }] of inputs.entries()) {
    if (withEdits && edit) for (const journey of JOURNEYS) catalog.add(edited(journey, round));
    await simulation.processEvent(event);
  }
  await simulation.finish(
    Date.parse(inputs.at(-1)?.event.time ?? new Date(T0).toISOString()) + 3 * 86_400_000,
  );
  return effects;
}

describe('engine properties', () => {
  it('gives the same effects for the same inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const inputs = toEvents(steps);
        expect(await run(inputs, true)).toEqual(await run(inputs, true));
      }),
      { numRuns: 150 },
    );
  });

  it('never sends without an active enrollment', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const active = new Set<string>();
        for (const effect of await run(toEvents(steps), true)) {
          if (effect.type === 'enrolled') active.add(effect.enrollmentId);
          if (effect.type === 'exited') active.delete(effect.enrollmentId);
          if (effect.type === 'send' && !active.has(effect.intent.enrollmentId)) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it('never mixes two journey versions in one enrollment, even while journeys are edited', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const versionOf = new Map<string, string>();
        for (const effect of await run(toEvents(steps), true)) {
          const id =
            effect.type === 'send'
              ? effect.intent.enrollmentId
              : 'enrollmentId' in effect
                ? effect.enrollmentId
                : undefined;
          const version =
            effect.type === 'send'
              ? effect.intent.journeyVersion
              : 'version' in effect
                ? effect.version
                : undefined;
          if (id === undefined || version === undefined) continue;
          if ((versionOf.get(id) ?? version) !== version) return false;
          versionOf.set(id, version);
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it('ignores a re-delivered event: same state, no effect but "ignored"', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.nat(), (steps, pick) => {
        const catalog = new JourneyCatalog(JOURNEYS);
        const inputs = toEvents(steps.map((s) => ({ ...s, user: 'u1' })));
        let state = newCustomerState('u1');
        const context = (event: CustomerEvent) => ({
          now: Date.parse(event.time),
          catalog,
          defaultTimezone: 'UTC',
        });
        for (const { event } of inputs)
          state = processInput(state, { kind: 'event', event }, context(event)).state;
        const original = inputs[pick % inputs.length]?.event;
        if (!original) return true;
        const again = { ...original, time: inputs.at(-1)?.event.time ?? original.time };

        const result = processInput(state, { kind: 'event', event: again }, context(again));

        return result.state === state && result.effects.length === 1 && result.effects[0]?.type === 'ignored';
      }),
      { numRuns: 200 },
    );
  });
});

describe('split and holdout assignment', () => {
  const USERS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

  it('keeps each share within 1 percentage point over 100,000 users', () => {
    for (const [journey, step, share] of [
      ['win-back', 'control-group', 10],
      ['win-back', 'offer-test', 50],
      ['cart', 'ab', 33],
    ] as const) {
      const inside = USERS.filter((u) => percentileOf(u, journey, step) < share).length;
      expect(Math.abs((100 * inside) / USERS.length - share), `${journey}/${step}`).toBeLessThan(1);
    }
  });

  it('assigns each user the same point every time, independently per journey and step', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (user, journey, step) => {
        const first = percentileOf(user, journey, step);
        const again = percentileOf(user, journey, step);
        return first === again && first >= 0 && first < 100;
      }),
    );
    const sameStep = USERS.slice(0, 1000).filter(
      (u) => percentileOf(u, 'j', 'a') < 50 === percentileOf(u, 'j', 'b') < 50,
    ).length;
    expect(sameStep).toBeGreaterThan(400);
    expect(sameStep).toBeLessThan(600);
  });
});
