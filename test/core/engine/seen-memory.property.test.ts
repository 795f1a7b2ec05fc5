import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePrint } from '../../../functions/core/engine/seen.ts';
import { SeenMemory } from '../../../functions/core/engine/seen-memory.ts';
import {
  CustomerState,
  newCustomerState,
  stateFromTrustedText,
} from '../../../functions/core/engine/state.ts';

/** Day names as the schema allows them: day numbers, now and then one past the array indexes or zero-led. */
const dayName = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 20_000, max: 20_120 }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 99 }).map((day) => `0${day}`) },
  { weight: 1, arbitrary: fc.constantFrom('4294967294', '4294967295', '9007199254740991') },
);
const prints = fc
  .array(fc.integer({ min: 0, max: 2 ** 53 - 1 }), { maxLength: 4 })
  .map((all) => all.map(encodePrint).join(''));
const record = fc.dictionary(dayName, prints, { maxKeys: 8 });
const code = fc.integer({ min: 0, max: 2 ** 53 - 1 }).map(encodePrint);

describe('SeenMemory (seen in memory, the stored object in JSON)', () => {
  it('writes the object it was read from, byte for byte, in the object’s own order', () => {
    fc.assert(
      fc.property(record, (stored) => {
        // Act
        const seen = SeenMemory.fromRecord(stored);

        // Assess
        expect(JSON.stringify(seen)).toBe(JSON.stringify(stored));
        expect(Object.keys(seen.toRecord())).toEqual(Object.keys(stored));
        expect(seen.days).toEqual(Object.keys(stored).map(Number));
      }),
    );
  });

  it('adds to a day, or adds a day, where an object given the same field would have it', () => {
    fc.assert(
      fc.property(record, fc.integer({ min: 19_990, max: 20_130 }), code, (stored, day, added) => {
        // Prepare
        const seen = SeenMemory.fromRecord(stored);
        const name = String(day);
        const index = seen.names.indexOf(name);

        // Act
        const next = index === -1 ? seen.inserted(name, added) : seen.appended(index, added);

        // Assess: the plain object's copy with the field set
        const expected = { ...stored, [name]: (stored[name] ?? '') + added };
        expect(JSON.stringify(next)).toBe(JSON.stringify(expected));
        expect(JSON.stringify(seen)).toBe(JSON.stringify(stored));
      }),
    );
  });

  it('reads a state’s text back to the same bytes, trusted or validated', () => {
    fc.assert(
      fc.property(fc.option(record, { nil: undefined }), (stored) => {
        // Prepare: a state as the engine holds it, written out as every store writes it
        const state: CustomerState = {
          ...newCustomerState('u1'),
          ...(stored === undefined ? {} : { seen: SeenMemory.fromRecord(stored) }),
        };
        const text = JSON.stringify(state);

        // Act
        const trusted = stateFromTrustedText(text);
        const validated = CustomerState.safeParse(JSON.parse(text));

        // Assess
        expect(JSON.stringify(trusted)).toBe(text);
        expect(trusted).toEqual(state);
        expect(validated.success).toBe(true);
        expect(JSON.stringify(validated.data)).toBe(text);
        expect(validated.data).toEqual(state);
      }),
    );
  });
});
