import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { ORDER_MEMORY, ORDER_WINDOW_MS } from '../../../functions/core/engine/order-window.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { customerEvent, HOUR, journeyFromYaml, MINUTE } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const CART = journeyFromYaml(`
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
entry: { reentry: always, dedupeBy: detail.properties.cartId }
goal: { pattern: { detail-type: [Order Completed] }, correlate: [detail.properties.cartId], within: P7D }
exit:
  - { name: emptied, pattern: { detail-type: [Cart Emptied] }, correlate: [detail.properties.cartId] }
  - { name: any-order, pattern: { detail-type: [Refund Issued] } }
steps:
  - { id: pause, type: wait, duration: PT30M, next: remind }
  - { id: remind, type: send, channel: email, template: remind }
`);

/** A journey triggered by the same event as its own correlated goal: an order is not its own goal. */
const REPEAT = journeyFromYaml(`
id: repeat
name: Repeat
status: active
trigger: { event: { detail-type: [Order Completed] } }
entry: { reentry: always }
goal: { pattern: { detail-type: [Order Completed] }, correlate: [detail.properties.cartId], within: P7D }
steps:
  - { id: thanks, type: send, channel: email, template: thanks }
`);

const catalog = new JourneyCatalog([CART, REPEAT]);

function event(type: string, at: number, cartId: string): CustomerEvent {
  return customerEvent(type, 'ana', at, { cartId });
}

/** Each event processed when it arrives (its own time unless given), in the order given. */
function arrive(inputs: { event: CustomerEvent; at?: number }[], state = newCustomerState('ana')) {
  const effects: Effect[] = [];
  let current: CustomerState = state;
  for (const { event: e, at } of inputs) {
    const result = processInput(
      current,
      { kind: 'event', event: e },
      { now: at ?? Date.parse(e.time), catalog, defaultTimezone: 'UTC' },
    );
    current = result.state;
    effects.push(...result.effects);
  }
  return { state: current, effects };
}

const refusals = (effects: Effect[], journeyId = 'cart') =>
  effects.flatMap((e) => (e.type === 'not-enrolled' && e.journeyId === journeyId ? [e.reason] : []));
const enrolled = (effects: Effect[], journeyId = 'cart') =>
  effects.filter((e) => e.type === 'enrolled' && e.journeyId === journeyId).length;

describe('order window', () => {
  it('refuses a late trigger whose correlated goal event arrived first: goal-before', () => {
    // Prepare: the cart filled at 10:00, ordered at 10:10; the Product Added arrives at 10:15.
    const order = event('Order Completed', T0 + 10 * MINUTE, 'c1');
    const added = event('Product Added', T0, 'c1');

    // Act
    const { effects } = arrive([{ event: order }, { event: added, at: T0 + 15 * MINUTE }]);

    // Assess
    expect(refusals(effects)).toEqual(['goal-before']);
    expect(enrolled(effects)).toBe(0);
  });

  it('refuses a trigger whose correlated exit event came first: exited-before; another cart enrolls', () => {
    // Prepare: c1 emptied (an exit correlated on the cart), then c1's and c2's Product Added.
    const emptied = event('Cart Emptied', T0 + 5 * MINUTE, 'c1');

    // Act
    const { effects } = arrive([
      { event: emptied },
      { event: event('Product Added', T0, 'c1'), at: T0 + 6 * MINUTE },
      { event: event('Product Added', T0 + 7 * MINUTE, 'c2') },
    ]);

    // Assess
    expect(refusals(effects)).toEqual(['exited-before']);
    expect(enrolled(effects)).toBe(1);
  });

  it('keeps only correlated criteria: an uncorrelated exit event seen first refuses nothing', () => {
    // Act
    const { effects, state } = arrive([
      { event: event('Refund Issued', T0 + 5 * MINUTE, 'c1') },
      { event: event('Product Added', T0, 'c1'), at: T0 + 6 * MINUTE },
    ]);

    // Assess
    expect(state.endings).toBeUndefined();
    expect(enrolled(effects)).toBe(1);
  });

  it('does not refuse a trigger with its own event, nor a trigger more than the window after the goal event', () => {
    // Prepare: an order (which triggers `repeat` and is its goal), then a Product Added for its cart 25 hours on.
    const order = event('Order Completed', T0, 'c1');

    // Act
    const { effects } = arrive([
      { event: order },
      { event: event('Product Added', T0 + ORDER_WINDOW_MS + HOUR, 'c1') },
    ]);

    // Assess
    expect(enrolled(effects, 'repeat')).toBe(1);
    expect(enrolled(effects)).toBe(1);
  });

  it('forgets events older than the window and keeps at most ORDER_MEMORY, the latest in event time', () => {
    // Prepare: one order a minute for ORDER_MEMORY + 4 carts, then an event a window later.
    const orders = Array.from({ length: ORDER_MEMORY + 4 }, (_, i) => ({
      event: event('Order Completed', T0 + i * MINUTE, `c${i}`),
    }));

    // Act
    const full = arrive(orders);
    const later = arrive([{ event: event('Product Viewed', T0 + ORDER_WINDOW_MS + HOUR, 'x') }], full.state);
    const lateTriggers = arrive(
      [0, ORDER_MEMORY + 3].map((i) => ({
        event: event('Product Added', T0 + i * MINUTE - MINUTE, `c${i}`),
        at: T0 + (ORDER_MEMORY + 5) * MINUTE,
      })),
      full.state,
    );

    // Assess: c0's order was forgotten (its trigger enrolls), the latest is still known.
    expect(full.state.endings).toHaveLength(ORDER_MEMORY);
    expect(JSON.stringify(full.state.endings).length).toBeLessThan(500);
    expect(later.state.endings).toBeUndefined();
    expect(refusals(lateTriggers.effects)).toEqual(['goal-before']);
    expect(enrolled(lateTriggers.effects)).toBe(1);
  });

  it('still ends an enrollment when its goal event arrives after it, whatever its event time', () => {
    // Prepare: the Product Added at 10:00; an order for the cart dated 09:00 arrives at 10:05.
    const { effects } = arrive([
      { event: event('Product Added', T0, 'c1') },
      { event: event('Order Completed', T0 - HOUR, 'c1'), at: T0 + 5 * MINUTE },
    ]);

    // Assess
    expect(effects.filter((e) => e.type === 'exited').map((e) => e.type === 'exited' && e.reason)).toContain(
      'goal',
    );
  });
});
