import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEventToProfile, emptyProfile, type Profile } from '../../../functions/core/profile/profile.ts';
import { moveFields } from '../../support/field-order.ts';
import { customerEvent } from '../../support/journeys.ts';

// applyEventToProfile makes every profile with all the schema's fields in one order (absent ones undefined),
// so that the copy on every event sees one object shape. A stored profile read back from JSON has its fields
// in the order they were added, or the schema's after a zod parse: whatever that order, the profile made must
// have the same fields and values as the plain copy would, and the same shape.

const T0 = Date.parse('2026-11-02T10:00:00Z');
const HOUR = 3_600_000;

const time = fc.integer({ min: T0 - 200 * HOUR, max: T0 });
const optionalFields = fc.record(
  {
    email: fc.constantFrom('a@example.com', 'b@example.org'),
    phone: fc.constantFrom('+447911123456', '+12025550143'),
    timezone: fc.constantFrom('Europe/London', 'America/New_York'),
    timezoneSource: fc.constantFrom('trait' as const, 'phone' as const, 'context' as const),
    locale: fc.constantFrom('en-GB', 'fr-FR'),
    firstSeenAt: time,
    lastSeenAt: time,
    stage: fc.constantFrom('new' as const, 'active' as const),
    stageSince: time,
    lists: fc.array(fc.constantFrom('vip', 'trial'), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);
/** A profile with a random subset of the optional fields, all its fields moved into a random order. */
const storedProfile = fc.tuple(optionalFields, fc.func(fc.integer())).map(([optional, rank]) => {
  const profile: Profile = { traits: {}, devices: [], consent: {}, ...optional };
  moveFields(profile, rank);
  return profile;
});

/** The copy applyEventToProfile made before its fields had one order: the given profile spread. */
function plainCopy(profile: Profile, happened: number): Profile {
  return {
    ...profile,
    firstSeenAt: Math.min(profile.firstSeenAt ?? happened, happened),
    lastSeenAt: Math.max(profile.lastSeenAt ?? happened, happened),
  };
}

const sortedJson = (profile: Profile): string =>
  JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(profile))).sort()));

describe('the profile applyEventToProfile makes', () => {
  it('has the plain copy’s fields and values, and one shape whatever the given profile’s field order', () => {
    const shapes = new Set<string>();
    fc.assert(
      fc.property(storedProfile, time, (given, at) => {
        // Prepare
        const event = customerEvent('Product Viewed', 'u1', at);

        // Act
        const made = applyEventToProfile(given, event, T0);

        // Assess
        expect(sortedJson(made)).toBe(sortedJson(plainCopy(given, at)));
        shapes.add(Object.keys(made).join(','));
        expect(shapes.size).toBe(1);
      }),
    );
  });

  it('keeps the shape through an event that adds addresses', () => {
    // Prepare
    const event = customerEvent(
      'Identify',
      'u1',
      T0,
      {},
      { traits: { email: 'x@example.com', locale: 'de-DE' } },
    );

    // Act
    const made = applyEventToProfile(emptyProfile(), event, T0);

    // Assess
    expect(Object.keys(made)).toEqual(Object.keys(emptyProfile()));
    expect(made.email).toBe('x@example.com');
    expect(JSON.parse(JSON.stringify(made))).toEqual({
      traits: { email: 'x@example.com', locale: 'de-DE' },
      devices: [],
      consent: {},
      firstSeenAt: T0,
      lastSeenAt: T0,
      email: 'x@example.com',
      locale: 'de-DE',
    });
  });
});
