import ct from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneTimezone } from '../../../functions/core/profile/addresses.ts';

/** Numbers as customers write them: spaced, dashed, in brackets; one zone or several; invalid ones. */
const WRITTEN = [
  '+44 7911 123456',
  '+447700900123',
  '+1 (415) 555-0132',
  '+1 202 555 0123',
  '+49 30 23125 456',
  '+33 6 39 98 12 34',
  '+81 90-1234-5678',
  '+55 11 91234 5678',
  '+61 412 345 678',
  '+234 803 123 4567',
  '+91 98765 43210',
  '+353 85 123 4567',
  '+1 868 620 1234',
  '+7 912 345 67 89',
  '+44 1234',
  'not a number',
];

/** The zone from the E.164 form alone, parsed afresh: what phoneTimezone answered before it remembered. */
function zoneParsedAgain(e164: string): string | undefined {
  const country = parsePhoneNumberFromString(e164)?.country;
  if (!country) return undefined;
  const zones = (ct.getTimezonesForCountry(country) ?? []).filter((z) => !z.aliasOf);
  return zones.length === 1 ? zones[0]?.name : undefined;
}

describe("a phone number's time zone", () => {
  it('is the zone of the E.164 form parsed again, though the country is remembered from normalizing it', () => {
    for (const written of WRITTEN) {
      // Prepare
      const e164 = normalizePhone(written);
      if (e164 === undefined) continue;

      // Act
      const zone = phoneTimezone(e164);

      // Assess
      expect({ written, zone }).toEqual({ written, zone: zoneParsedAgain(e164) });
    }
  });

  it('is found for a number normalizePhone never saw', () => {
    // Prepare
    const e164 = '+33639981234';

    // Act
    const zone = phoneTimezone(e164);

    // Assess
    expect(zone).toBe('Europe/Paris');
  });
});
