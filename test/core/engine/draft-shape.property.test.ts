import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import {
  type CustomerState,
  newCustomerState,
  stateFromTrustedText,
} from '../../../functions/core/engine/state.ts';
import { sameJson } from '../../../functions/core/runtime/unread-changes.ts';
import { moveFields } from '../../support/field-order.ts';
import { customerEvent, journeyFromYaml, MINUTE } from '../../support/journeys.ts';

// The engine's draft of a state has every field in one order, absent ones undefined (engine/draft.ts), so that
// the engine's reads see one object shape. A state given with its fields in any order (as a stored state's
// JSON keeps them in the order they were added) must give the same decisions and the same state as JSON, and
// the state made must have the same shape whatever the order given.

const T0 = Date.parse('2026-11-02T10:00:00Z');

const catalog = new JourneyCatalog([
  journeyFromYaml(`
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
entry: { reentry: always }
exit: [{ name: ordered, pattern: { detail-type: [Order Completed] } }]
steps:
  - { id: pause, type: wait, duration: PT30M, next: remind }
  - { id: remind, type: send, channel: email, template: cart }
`),
]);

const input = fc.record({
  type: fc.constantFrom('Product Added', 'Order Completed', 'Product Viewed', 'Identify'),
  minutes: fc.integer({ min: 0, max: 600 }),
});

/** The state with its top-level and profile fields moved into the order `rank` gives (a stored state's JSON). */
function reordered(state: CustomerState, rank: (key: string) => number): CustomerState {
  const moved: CustomerState = stateFromTrustedText(JSON.stringify(state));
  moveFields(moved, rank);
  moveFields(moved.profile, rank);
  return moved;
}

describe("the engine's draft of a state", () => {
  it('decides the same, and makes a state of one shape, whatever order the given state’s fields are in', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 12 }), fc.func(fc.integer()), (inputs, rank) => {
        // Prepare
        const events = inputs.map(({ type, minutes }, i) =>
          customerEvent(type, 'u1', T0 + minutes * MINUTE + i, type === 'Identify' ? {} : { cartId: 'c1' }, {
            id: `e${i}`,
            ...(type === 'Identify' ? { traits: { email: 'u1@example.com', locale: 'en-GB' } } : {}),
          }),
        );
        let plain = newCustomerState('u1');
        let moved = newCustomerState('u1');
        const shapes = new Set<string>();

        for (const event of events) {
          const context = { now: Date.parse(event.time), catalog, defaultTimezone: 'UTC' };
          // Act
          const fromPlain = processInput(plain, { kind: 'event', event }, context);
          const fromMoved = processInput(reordered(moved, rank), { kind: 'event', event }, context);

          // Assess
          expect(JSON.stringify(fromMoved.effects)).toBe(JSON.stringify(fromPlain.effects));
          expect(sameJson(fromMoved.state, fromPlain.state)).toBe(true);
          shapes.add(Object.keys(fromMoved.state).join(','));
          shapes.add(Object.keys(fromPlain.state).join(','));
          plain = fromPlain.state;
          moved = fromMoved.state;
        }
        expect([...shapes]).toHaveLength(1);
      }),
      { numRuns: 100 },
    );
  });
});
