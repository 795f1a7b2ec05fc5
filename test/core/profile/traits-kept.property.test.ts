import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEventToProfile, emptyProfile } from '../../../functions/core/profile/profile.ts';
import { customerEvent } from '../../support/journeys.ts';

// applyEventToProfile keeps the profile's traits object when the event's traits are all there with the same
// values, and copies otherwise: either way the traits are the spread of the event's over the profile's, the
// same names in the same order.

const T0 = Date.parse('2026-11-02T10:00:00Z');
const name = fc.constantFrom('email', 'firstName', 'plan', 'renewalDate', 'city');
const value = fc.constantFrom('a', 'b', '2027-03-20');
const traitsArb = fc.dictionary(name, value, { maxKeys: 4 });

describe('the traits applyEventToProfile keeps', () => {
  it('are the spread of the event’s traits over the profile’s, the very object when nothing changes', () => {
    fc.assert(
      fc.property(traitsArb, traitsArb, (had, sent) => {
        // Prepare
        const profile = { ...emptyProfile(), traits: had };
        const event = customerEvent('Identify', 'u1', T0, {}, { traits: sent });

        // Act
        const made = applyEventToProfile(profile, event, T0);

        // Assess
        const spread = { ...had, ...sent };
        expect(JSON.stringify(made.traits)).toBe(JSON.stringify(spread));
        const unchanged = Object.entries(sent).every(([k, v]) => Object.hasOwn(had, k) && had[k] === v);
        expect(made.traits === had).toBe(unchanged);
      }),
      { numRuns: 500 },
    );
  });
});
