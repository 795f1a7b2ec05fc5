import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { COUNTRY_TIMEZONES, timezoneOfCountry } from '../../../functions/core/import/index.ts';

describe('COUNTRY_TIMEZONES', () => {
  it('names only zones the timezone database knows', () => {
    const unknown = Object.values(COUNTRY_TIMEZONES).filter((z) => z !== null && !IANAZone.isValidZone(z));
    expect(unknown).toEqual([]);
  });
});

describe('timezoneOfCountry', () => {
  it('gives the representative zone of a country as the data writes it', () => {
    expect(timezoneOfCountry('United Kingdom')).toBe('Europe/London');
    expect(timezoneOfCountry('EIRE')).toBe('Europe/Dublin');
    expect(timezoneOfCountry('RSA')).toBe('Africa/Johannesburg');
    expect(timezoneOfCountry('USA')).toBe('America/New_York');
  });

  it('gives none for a Country that names no country, one not in the table, or an Object method name', () => {
    expect(timezoneOfCountry('Unspecified')).toBeUndefined();
    expect(timezoneOfCountry('European Community')).toBeUndefined();
    expect(timezoneOfCountry('Atlantis')).toBeUndefined();
    expect(timezoneOfCountry('united kingdom')).toBeUndefined();
    expect(timezoneOfCountry('toString')).toBeUndefined();
  });
});
