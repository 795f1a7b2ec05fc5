import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../functions/core/engine/bucket.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import { inputKey, processInput } from '../../../functions/core/engine/engine.ts';
import type { EngineContext } from '../../../functions/core/engine/engine-context.ts';
import {
  alreadySeen,
  encodePrint,
  PRINT_CHARS,
  rememberInput,
  SEEN_MAX,
} from '../../../functions/core/engine/seen.ts';
import { SeenMemory } from '../../../functions/core/engine/seen-memory.ts';
import { CustomerState, newCustomerState } from '../../../functions/core/engine/state.ts';
import { customerEvent, DAY, HOUR } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const context = (now: number): EngineContext => ({
  now,
  catalog: new JourneyCatalog([]),
  defaultTimezone: 'UTC',
});
/** The fingerprint the engine remembers for an order event with this eventId. */
const printOf = (eventId: string) =>
  fingerprint(
    inputKey({ kind: 'event', event: customerEvent('Order Completed', 'u1', T0, {}, { eventId }) }),
  );
const count = (state: CustomerState) =>
  (state.seen?.prints ?? []).reduce((sum, prints) => sum + prints.length / PRINT_CHARS, 0);

describe('the inputs a customer remembers (seen)', () => {
  it('encodes any 53-bit fingerprint in 9 characters, distinct fingerprints distinctly', () => {
    // Prepare
    const prints = [0, 1, 63, 64, 2 ** 53 - 1, fingerprint('a'), fingerprint('b')];

    // Act
    const codes = prints.map(encodePrint);

    // Assess
    expect(codes.every((c) => c.length === PRINT_CHARS)).toBe(true);
    expect(new Set(codes).size).toBe(prints.length);
  });

  it('encodes a fingerprint as its 54 bits in base64url, most significant first (the stored form)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (print) => {
        // Prepare: the digits by BigInt arithmetic
        const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        let expected = '';
        for (let i = 0; i < PRINT_CHARS; i++)
          expected = digits[Number((BigInt(print) >> BigInt(6 * i)) & 63n)] + expected;

        // Act
        const code = encodePrint(print);

        // Assess
        expect(code).toBe(expected);
      }),
    );
  });

  it('ignores an event delivered again after 100 newer inputs and 60 days', () => {
    // Prepare: one order, then 100 other events of the customer over 60 days.
    const order = customerEvent('Order Completed', 'u1', T0, { revenue: 600 }, { eventId: 'order-1' });
    let state = processInput(newCustomerState('u1'), { kind: 'event', event: order }, context(T0)).state;
    for (let i = 1; i <= 100; i++) {
      const at = T0 + i * 14 * HOUR;
      const viewed = customerEvent('Product Viewed', 'u1', at, {}, { eventId: `view-${i}` });
      state = processInput(state, { kind: 'event', event: viewed }, context(at)).state;
    }

    // Act: the order comes back (a dead-letter redrive), with its own time.
    const again = processInput(state, { kind: 'event', event: order }, context(T0 + 60 * DAY));

    // Assess
    expect(again.effects).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
    expect(again.state).toBe(state);
    expect(count(state)).toBe(101);
  });

  it('forgets an input only once its day is out of the event-time window, where the event is refused anyway', () => {
    // Prepare
    const order = customerEvent('Order Completed', 'u1', T0, {}, { eventId: 'order-1' });
    const first = processInput(newCustomerState('u1'), { kind: 'event', event: order }, context(T0)).state;
    const later = (days: number) =>
      processInput(
        first,
        {
          kind: 'event',
          event: customerEvent('Product Viewed', 'u1', T0 + days * DAY, {}, { eventId: `v${days}` }),
        },
        { ...context(T0 + days * DAY), rememberMs: 90 * DAY },
      ).state;

    // Act
    const within = later(90);
    const beyond = later(91);

    // Assess: at 90 days the order's day can still hold an accepted time; a day later it cannot.
    expect(alreadySeen(within, printOf('order-1'))).toBe(true);
    expect(alreadySeen(beyond, printOf('order-1'))).toBe(false);
    expect(count(beyond)).toBe(1);
  });

  it('still recognises the fingerprints of the older processed list, and moves them into seen', () => {
    // Prepare: a state stored before seen existed.
    const stored = { ...newCustomerState('u1'), processed: [printOf('order-1')] };
    const order = customerEvent('Order Completed', 'u1', T0, {}, { eventId: 'order-1' });
    const viewed = customerEvent('Product Viewed', 'u1', T0, {}, { eventId: 'view-1' });

    // Act
    const duplicate = processInput(stored, { kind: 'event', event: order }, context(T0));
    const next = processInput(stored, { kind: 'event', event: viewed }, context(T0)).state;

    // Assess
    expect(duplicate.effects).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
    expect(next.processed).toEqual([]);
    expect(alreadySeen({ ...next, processed: [] }, printOf('order-1'))).toBe(true);
    expect(alreadySeen(next, fingerprint(inputKey({ kind: 'event', event: viewed })))).toBe(true);
  });

  it('adds a fingerprint to its day and keeps every other day as it was, in ascending order of days', () => {
    const today = Math.floor(T0 / DAY);
    const days = fc.dictionary(
      fc.integer({ min: today - 89, max: today }).map(String),
      fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 5 }),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(days, fc.integer({ min: today - 89, max: today }), (held, day) => {
        // Prepare
        const seen = Object.fromEntries(
          Object.entries(held).map(([d, prints]) => [d, prints.map(encodePrint).join('')]),
        );
        const state = { ...newCustomerState('u1'), seen: SeenMemory.fromRecord(seen) };
        const print = fingerprint(`input-${day}`);

        // Act
        const after = rememberInput(state, print, day * DAY, T0);

        // Assess: the spread the hot path replaced, written out
        const expected = { ...seen, [String(day)]: (seen[String(day)] ?? '') + encodePrint(print) };
        expect(JSON.stringify(after)).toBe(JSON.stringify(expected));
        expect(JSON.stringify(state.seen)).toBe(JSON.stringify(seen));
      }),
    );
  });

  it('keeps at most SEEN_MAX fingerprints, forgetting the oldest first', () => {
    // Prepare: SEEN_MAX fingerprints over two days.
    const half = SEEN_MAX / 2;
    const codes = (from: number) =>
      Array.from({ length: half }, (_, i) => encodePrint(fingerprint(`in-${from + i}`))).join('');
    const day = Math.floor(T0 / DAY);
    const full = {
      ...newCustomerState('u1'),
      seen: SeenMemory.fromRecord({ [day - 1]: codes(0), [day]: codes(half) }),
    };

    // Act
    const seen = rememberInput(full, fingerprint('newest'), T0, T0);
    const state = { ...full, seen };

    // Assess
    expect(count(state)).toBe(SEEN_MAX);
    expect(alreadySeen(state, fingerprint('in-0'))).toBe(false);
    expect(alreadySeen(state, fingerprint('in-1'))).toBe(true);
    expect(alreadySeen(state, fingerprint('newest'))).toBe(true);
  });

  it('matches a fingerprint only at its own place, not across two neighbours', () => {
    // Prepare: two codes whose concatenation holds a third code, 'AAAABCAAA', at offset 4.
    const state = {
      ...newCustomerState('u1'),
      seen: SeenMemory.fromRecord({ '1': 'AAAAAAAAB' + 'CAAAAAAAA' }),
    };
    const straddling = 1 * 64 ** 4 + 2 * 64 ** 3;

    // Act
    const found = alreadySeen(state, straddling);

    // Assess
    expect(encodePrint(straddling)).toBe('AAAABCAAA');
    expect(found).toBe(false);
    expect(alreadySeen(state, 1)).toBe(true);
  });

  it('reads back only a well-formed memory: day numbers, and whole 9-character fingerprints', () => {
    // Prepare
    const state = (seen: Record<string, string>) => ({ ...newCustomerState('u1'), seen });

    // Act
    const good = CustomerState.safeParse(state({ '20394': encodePrint(1) + encodePrint(2) }));
    const badDay = CustomerState.safeParse(state({ today: encodePrint(1) }));
    const cut = CustomerState.safeParse(state({ '20394': encodePrint(1).slice(1) }));

    // Assess
    expect(good.success).toBe(true);
    expect(badDay.success).toBe(false);
    expect(cut.success).toBe(false);
  });

  it('remembers an input older than the window, applied by a caller without one, until the next day passes', () => {
    // Prepare: an event 100 days old, which ingest would refuse, applied directly.
    const old = customerEvent('Order Completed', 'u1', T0 - 100 * DAY, {}, { eventId: 'order-old' });
    const applied = processInput(newCustomerState('u1'), { kind: 'event', event: old }, context(T0)).state;

    // Act
    const again = processInput(applied, { kind: 'event', event: old }, context(T0 + HOUR));

    // Assess
    expect(again.effects).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
  });
});
