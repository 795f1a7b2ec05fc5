import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { ENTRY_MEMORY } from '../../../functions/core/engine/entries.ts';
import { type CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { customerEvent, DAY, journeyFromYaml, MINUTE } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** A one-step journey on `Signed Up` (or on `Product Added` per cart) with these entry rules. */
function journeyWithEntry(entry: string, id = 'hello') {
  const perCart = entry.includes('dedupeBy');
  return journeyFromYaml(`
id: ${id}
name: Hello
status: active
trigger: { event: { detail-type: [${perCart ? 'Product Added' : 'Signed Up'}] } }
entry: ${entry}
steps:
  - { id: hello, type: send, channel: email, template: hello }
`);
}

/** Events in order through the engine, each at its own time; the state and every effect. */
function runAll(
  catalog: JourneyCatalog,
  events: CustomerEvent[],
  start: CustomerState = newCustomerState('u1'),
) {
  let state = start;
  const effects: Effect[] = [];
  for (const event of events) {
    const result = processInput(
      state,
      { kind: 'event', event },
      {
        now: Date.parse(event.time),
        catalog,
        defaultTimezone: 'UTC',
      },
    );
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

const entryOutcomes = (effects: Effect[]) =>
  effects.flatMap((e) =>
    e.type === 'enrolled' ? ['enrolled'] : e.type === 'not-enrolled' ? [e.reason] : [],
  );

describe('entry records', () => {
  it('are forgotten, when another entry is recorded, once the re-entry interval has passed', () => {
    // Prepare
    const catalog = new JourneyCatalog([
      journeyWithEntry('{ reentry: P7D }'),
      journeyWithEntry('{ reentry: never, dedupeBy: detail.properties.cartId }', 'cart'),
    ]);
    const entered = runAll(catalog, [customerEvent('Signed Up', 'u1', T0)]);
    const cartAt = (time: number, cartId: string) => customerEvent('Product Added', 'u1', time, { cartId });

    // Act
    const early = runAll(catalog, [cartAt(T0 + 6 * DAY, 'c1')], entered.state);
    const later = runAll(catalog, [cartAt(T0 + 7 * DAY, 'c1')], entered.state);
    const browsing = runAll(catalog, [customerEvent('Product Viewed', 'u1', T0 + 7 * DAY)], entered.state);
    const again = runAll(catalog, [customerEvent('Signed Up', 'u1', T0 + 8 * DAY)], later.state);

    // Assess
    expect(Object.keys(early.state.entries).sort()).toEqual(['cart|c1', 'hello|']);
    expect(Object.keys(later.state.entries)).toEqual(['cart|c1']);
    // An input that records no entry leaves the records as they are: it costs nothing.
    expect(browsing.state.entries).toEqual(entered.state.entries);
    expect(entryOutcomes(again.effects)).toEqual(['enrolled']);
  });

  it('are not kept at all for a journey anyone may enter again at any time', () => {
    // Act
    const { state } = runAll(new JourneyCatalog([journeyWithEntry('{ reentry: always }')]), [
      customerEvent('Signed Up', 'u1', T0),
    ]);

    // Assess
    expect(state.entries).toEqual({});
  });

  it('are kept for ever where they can refuse for ever: reentry never, or a maximum of entries', () => {
    // Prepare
    const catalog = new JourneyCatalog([
      journeyWithEntry('{ reentry: never }', 'once'),
      journeyWithEntry('{ reentry: P1D, maxEntries: 2 }', 'twice'),
    ]);

    // Act
    const { state, effects } = runAll(catalog, [
      customerEvent('Signed Up', 'u1', T0),
      customerEvent('Signed Up', 'u1', T0 + 400 * DAY),
      customerEvent('Signed Up', 'u1', T0 + 800 * DAY),
    ]);

    // Assess
    expect(Object.keys(state.entries).sort()).toEqual(['once|', 'twice|']);
    expect(entryOutcomes(effects)).toEqual([
      'enrolled',
      'enrolled',
      'entry-once',
      'enrolled',
      'entry-once',
      'entry-max',
    ]);
  });

  it(`remember the ${ENTRY_MEMORY} most recent dedupe values of a journey; an older value counts as new`, () => {
    // Prepare
    const catalog = new JourneyCatalog([
      journeyWithEntry('{ reentry: never, dedupeBy: detail.properties.cartId }', 'cart'),
    ]);
    const carts = Array.from({ length: ENTRY_MEMORY + 10 }, (_, i) =>
      customerEvent('Product Added', 'u1', T0 + i * MINUTE, { cartId: `c${i}` }),
    );
    const filled = runAll(catalog, carts);

    // Act
    const newest = runAll(
      catalog,
      [customerEvent('Product Added', 'u1', T0 + DAY, { cartId: `c${ENTRY_MEMORY + 9}` })],
      filled.state,
    );
    const oldest = runAll(
      catalog,
      [customerEvent('Product Added', 'u1', T0 + DAY, { cartId: 'c0' })],
      filled.state,
    );

    // Assess
    const remembered = Object.keys(filled.state.entries).map((key) => key.replace('cart|', ''));
    expect(remembered.sort()).toEqual(Array.from({ length: ENTRY_MEMORY }, (_, i) => `c${i + 10}`).sort());
    expect(entryOutcomes(newest.effects)).toEqual(['entry-once']);
    expect(entryOutcomes(oldest.effects)).toEqual(['enrolled']);
  });

  it('of a journey the catalog no longer holds are kept, as it may be shipped again', () => {
    // Prepare
    const gone = runAll(new JourneyCatalog([journeyWithEntry('{ reentry: P1D }', 'gone')]), [
      customerEvent('Signed Up', 'u1', T0),
    ]);

    // Act: a journey of the next deployment records an entry
    const { state } = runAll(
      new JourneyCatalog([journeyWithEntry('{ reentry: always }', 'next')]),
      [customerEvent('Signed Up', 'u1', T0 + 30 * DAY)],
      gone.state,
    );

    // Assess
    expect(Object.keys(state.entries)).toEqual(['gone|']);
  });
});
