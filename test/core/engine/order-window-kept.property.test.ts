import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import {
  ORDER_MEMORY,
  ORDER_WINDOW_MS,
  rememberEndings,
  type SeenEvent,
} from '../../../functions/core/engine/order-window.ts';
import { customerEvent, journeyFromYaml } from '../../support/journeys.ts';

// rememberEndings keeps a remembered list as it is when the event adds nothing and the list would come out the
// same; checked against the plain computation (every list made again: merged by fingerprint, the window
// applied, sorted latest first, the memory's latest kept), on lists in and out of that form.

const CART = journeyFromYaml(`
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
goal:
  pattern: { detail-type: [Order Completed] }
  correlate: [detail.properties.cartId]
  within: P7D
steps:
  - { id: nudge, type: send, channel: email, template: nudge }
`);
const catalog = new JourneyCatalog([CART]);
const NOW = Date.parse('2026-11-02T10:00:00Z');
const SINCE = (NOW - ORDER_WINDOW_MS) / 1000;

function plain(seen: SeenEvent[] | undefined, added: SeenEvent[]): SeenEvent[] | undefined {
  const latest = new Map<number, number>(seen?.map(([print, at]) => [print, at]));
  for (const [print, at] of added) latest.set(print, Math.max(at, latest.get(print) ?? at));
  const kept = [...latest].filter(([, t]) => t > SINCE);
  kept.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return kept.length > 0 ? kept.slice(0, ORDER_MEMORY) : undefined;
}

const entry = fc.tuple(
  fc.integer({ min: 1, max: 6 }),
  fc.integer({ min: SINCE - 1, max: SINCE + 5 }),
) as fc.Arbitrary<SeenEvent>;
/** Lists as rememberEndings makes them (sorted, within the window) and any others. */
const list = fc.oneof(
  fc.constant(undefined),
  fc.array(entry, { maxLength: ORDER_MEMORY + 3 }),
  fc.array(entry, { maxLength: ORDER_MEMORY + 3 }).map((seen) => plain(seen, [])),
  // In its order but not its form: a fingerprint twice, a time out of the window, past the memory.
  fc
    .array(entry, { maxLength: ORDER_MEMORY + 3 })
    .map((seen) => [...seen].sort((a, b) => b[1] - a[1] || a[0] - b[0])),
);

describe('rememberEndings', () => {
  it('makes what the plain computation makes, for an event that adds nothing', () => {
    fc.assert(
      fc.property(list, fc.constantFrom('Product Viewed', 'Product Added'), (seen, type) => {
        // Prepare
        const event = customerEvent(type, 'ana', NOW - 60_000, { cartId: 'c1' });
        const given = seen?.map((e): SeenEvent => [e[0], e[1]]);

        // Act
        const made = rememberEndings(given, catalog.latest(), event, NOW);

        // Assess
        expect(made).toEqual(plain(seen, []));
        expect(given).toEqual(seen);
      }),
      { numRuns: 1000 },
    );
  });

  it('adds a matching event as the plain computation does', () => {
    fc.assert(
      fc.property(list, (seen) => {
        // Prepare
        const event = customerEvent('Order Completed', 'ana', NOW - 60_000, { cartId: 'c1' });
        const print = rememberEndings(undefined, catalog.latest(), event, NOW)?.[0];
        if (!print) throw new Error('the order was not remembered');

        // Act
        const made = rememberEndings(seen, catalog.latest(), event, NOW);

        // Assess
        expect(made).toEqual(plain(seen, [print]));
      }),
      { numRuns: 1000 },
    );
  });
});
