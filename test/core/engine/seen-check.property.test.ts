import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alreadySeen,
  checkInput,
  encodePrint,
  PRINT_CHARS,
  rememberInput,
  SEEN_MAX,
} from '../../../functions/core/engine/seen.ts';
import { SeenMemory } from '../../../functions/core/engine/seen-memory.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-02T10:00:00Z');
const today = Math.floor(T0 / DAY);
const WINDOW = 90 * DAY;

/** Fingerprints, a few of which the input may repeat. */
const print = fc.oneof(
  fc.constantFrom(1, 2, 3, 64 ** 4, 2 ** 53 - 1),
  fc.integer({ min: 0, max: 2 ** 53 - 1 }),
);

/**
 * A customer's memory: days inside the window and before it (which rememberInput forgets), a day now and
 * then empty or past SEEN_MAX with another, and sometimes the older `processed` list.
 */
const memory = fc.record({
  days: fc.dictionary(
    fc.integer({ min: today - 120, max: today + 1 }).map(String),
    fc.oneof(
      { weight: 8, arbitrary: fc.array(print, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.constant([]) },
    ),
    { maxKeys: 6 },
  ),
  crowded: fc.boolean(),
  processed: fc.oneof(
    { weight: 4, arbitrary: fc.array(print, { maxLength: 0 }) },
    { weight: 1, arbitrary: fc.array(print, { maxLength: 3 }) },
  ),
});

describe('checkInput (one walk of seen)', () => {
  it('says what alreadySeen says, and keeps what rememberInput keeps, JSON text included', () => {
    fc.assert(
      fc.property(
        memory,
        print,
        fc.integer({ min: today - 100, max: today + 1 }),
        ({ days, crowded, processed }, input, day) => {
          // Prepare
          const seen: Record<string, string> = {};
          for (const [d, prints] of Object.entries(days)) seen[d] = prints.map(encodePrint).join('');
          // Crowded: one more day holding SEEN_MAX fingerprints, so that the input passes the cap.
          if (crowded) seen[String(today - 2)] = encodePrint(7).repeat(SEEN_MAX);
          const state = { ...newCustomerState('u1'), seen: SeenMemory.fromRecord(seen), processed };
          const at = day * DAY + 3_600_000;

          // Act
          const check = checkInput(state, input, at, T0, WINDOW);

          // Assess
          expect(check.seen).toBe(alreadySeen(state, input));
          if (check.seen || !check.next) return;
          const expected = rememberInput(state, input, at, T0, WINDOW);
          expect(JSON.stringify(check.next)).toBe(JSON.stringify(expected));
          expect(check.next.prints.join('').length / PRINT_CHARS).toBeLessThanOrEqual(SEEN_MAX);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the usual case its result: a customer within the window and the cap always gets `next`', () => {
    fc.assert(
      fc.property(fc.array(print, { maxLength: 5 }), print, (held, input) => {
        // Prepare
        const state = {
          ...newCustomerState('u1'),
          seen: SeenMemory.fromRecord(
            held.length === 0 ? {} : { [String(today - 1)]: held.map(encodePrint).join('') },
          ),
        };

        // Act
        const check = checkInput(state, input, T0, T0, WINDOW);

        // Assess
        expect(check.seen).toBe(held.includes(input));
        if (!check.seen) expect(check.next).toEqual(rememberInput(state, input, T0, T0, WINDOW));
      }),
    );
  });
});
