import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { ORDER_MEMORY, ORDER_WINDOW_MS } from '../../../functions/core/engine/order-window.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { customerEvent, DAY, HOUR, journeyFromYaml, MINUTE } from '../../support/journeys.ts';
import { testConfig } from '../../support/simulation.ts';

// Order independence in event time (docs/runtime.md, "Arrival order"), as a property. Scope, honestly:
// - the journeys: the sample cart-abandonment (a goal and an event wait correlated on the cart) and a
//   subscription journey with a correlated exit; in both, the first message follows a wait. A journey that
//   sends at entry, or whose goal or exit is not correlated, is not covered: its entry message goes out when
//   its trigger arrives before the goal or exit event and not when it arrives after.
// - the arrivals: one customer's events, spread over less than the order window in event time, arrive late
//   in any order (a batch redelivered, a consumer back from an outage): all at one instant, or one after the
//   other over less than the shortest wait (30 minutes), so that no wait ends between two arrivals; fewer
//   distinct carts and subscriptions than ORDER_MEMORY.
// The messages (send intents: journey, step, template, the cart or subscription, and, for arrivals at one
// instant, when) are the same whatever the order, and the same as in event-time order.

const CART = journeyFromYaml(readFileSync('journeys/cart-abandonment.yaml', 'utf8'));
const SUBSCRIPTION = journeyFromYaml(`
id: subscription-tips
name: Subscription tips
status: active
trigger: { event: { detail-type: [Subscription Started] } }
entry: { reentry: always, dedupeBy: detail.properties.subscriptionId }
exit:
  - name: cancelled
    pattern: { detail-type: [Subscription Cancelled] }
    correlate: [detail.properties.subscriptionId]
steps:
  - { id: settle, type: wait, duration: PT2H, next: tips }
  - { id: tips, type: send, channel: email, template: tips }
`);

const T0 = Date.parse('2026-11-02T10:00:00Z');
const KINDS = [
  'Product Added',
  'Order Completed',
  'Product Viewed',
  'Subscription Started',
  'Subscription Cancelled',
] as const;

type Drawn = { kind: (typeof KINDS)[number]; key: string; minutes: number };

const drawnArb: fc.Arbitrary<Drawn> = fc.record({
  kind: fc.constantFrom(...KINDS),
  key: fc.constantFrom('k1', 'k2', 'k3'),
  // Within the window: every event less than 20 hours after the first.
  minutes: fc.integer({ min: 0, max: 20 * 60 }),
});

function toEvents(drawn: readonly Drawn[]): CustomerEvent[] {
  return drawn.map(({ kind, key, minutes }, i) =>
    customerEvent(
      kind,
      'ana',
      T0 + minutes * MINUTE,
      { cartId: key, subscriptionId: key },
      { id: `e${i}`, traits: { email: 'ana@example.com' } },
    ),
  );
}

/**
 * The events put in the given order, the i-th at `arrival(i)`, then the clock run on; the send intents, sorted,
 * with their times unless `timed` is false.
 */
async function messages(
  events: readonly CustomerEvent[],
  arrival: (index: number) => number,
  timed = true,
): Promise<string[]> {
  const sends: string[] = [];
  const simulation = new Simulation({
    config: testConfig({ journeys: [CART, SUBSCRIPTION] }),
    observer: {
      observe: (o) => {
        if (o.type !== 'applied') return;
        for (const effect of o.effects.filter(
          (e): e is Extract<Effect, { type: 'send' }> => e.type === 'send',
        )) {
          const { journeyId, stepId, template, at, trigger } = effect.intent;
          const key = JSON.stringify(trigger?.detail.properties.cartId);
          const when = timed ? ` ${new Date(at).toISOString()}` : '';
          sends.push(`${journeyId}/${stepId}/${template} ${key}${when}`);
        }
      },
    },
  });
  for (const [index, event] of events.entries()) await simulation.put(event, arrival(index));
  await simulation.finish(arrival(events.length) + 2 * DAY);
  return sends.sort();
}

/** A Fisher-Yates shuffle driven by fast-check's draws, so that a failure shrinks and replays. */
function shuffle<T>(items: readonly T[], draws: fc.Stream<number>): T[] {
  const shuffled = [...items];
  let i = shuffled.length;
  for (const pick of draws.take(shuffled.length)) {
    const j = pick % i;
    i--;
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  return shuffled;
}

const inEventTime = (events: readonly CustomerEvent[]) =>
  [...events].sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));

describe('arrival order', () => {
  it('gives the same messages for any order of a customer events arriving within the window', async () => {
    expect(3).toBeLessThan(ORDER_MEMORY);
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawnArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 * 60 }),
        fc.infiniteStream(fc.nat()),
        async (drawn, lateMinutes, draws) => {
          // Prepare: the events in event-time order, and a shuffle of them; they arrive after the last one
          // happened, and the first one at most the window late.
          const events = toEvents(drawn);
          const inTime = inEventTime(events);
          const last = Date.parse(inTime.at(-1)?.time ?? '');
          const arrival = last + lateMinutes * MINUTE;
          expect(arrival - Date.parse(inTime[0]?.time ?? '')).toBeLessThanOrEqual(ORDER_WINDOW_MS);
          const shuffled = shuffle(events, draws);

          // Act
          const ordered = await messages(inTime, () => arrival);
          const arrived = await messages(shuffled, () => arrival);

          // Assess
          expect(arrived).toEqual(ordered);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('gives the same messages, at other times, for arrivals spread over less than the shortest wait', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawnArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 2 * 60 }),
        fc.infiniteStream(fc.nat()),
        async (drawn, gapSeconds, draws) => {
          // Prepare: the i-th arrival i gaps after the last event happened: at most 24 minutes in all, less
          // than the cart's 30-minute wait, so no wait ends between two arrivals. The reminders then go out
          // 30 minutes after their trigger arrived, which the order decides; what is sent does not depend on it.
          const events = toEvents(drawn);
          const inTime = inEventTime(events);
          const last = Date.parse(inTime.at(-1)?.time ?? '');
          const arrival = (index: number) => last + index * gapSeconds * 1000;

          // Act
          const ordered = await messages(inTime, arrival, false);
          const arrived = await messages(shuffle(events, draws), arrival, false);

          // Assess
          expect(arrived).toEqual(ordered);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('is not vacuous: some orders send reminders and some are prevented', async () => {
    // Prepare: a cart ordered, a cart left, a subscription cancelled; the order and the cancellation first.
    const events = toEvents([
      { kind: 'Order Completed', key: 'k1', minutes: 30 },
      { kind: 'Subscription Cancelled', key: 'k3', minutes: 90 },
      { kind: 'Product Added', key: 'k1', minutes: 10 },
      { kind: 'Product Added', key: 'k2', minutes: 20 },
      { kind: 'Subscription Started', key: 'k3', minutes: 60 },
    ]);

    // Act
    const sent = await messages(events, () => T0 + 2 * HOUR);

    // Assess: only k2's reminder, 30 minutes after the batch arrived.
    expect(sent).toEqual(['cart-abandonment/remind/cart-reminder "k2" 2026-11-02T12:30:00.000Z']);
  });
});
