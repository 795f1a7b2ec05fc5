import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone, phoneTimezone } from '../../../functions/core/profile/addresses.ts';
import { consentFor } from '../../../functions/core/profile/consent.ts';
import {
  applyEventToProfile,
  emptyProfile,
  MAX_DEVICES,
  type Profile,
  resolveTimezone,
} from '../../../functions/core/profile/profile.ts';
import { customerEvent } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

function withEvent(
  profile: Profile,
  detail: { traits?: Record<string, unknown>; context?: Record<string, unknown> },
  at = T0,
  source = 'com.example.shop',
): Profile {
  const event = customerEvent('Identify', 'u1', at, {}, { source });
  return applyEventToProfile(
    profile,
    { ...event, detail: { ...event.detail, ...JSON.parse(JSON.stringify(detail)) } },
    at,
  );
}

describe('channel addresses', () => {
  it('keeps a valid email with its domain in lower case, and refuses an invalid one', () => {
    expect(normalizeEmail(' Maya.Patel@Example.COM ')).toBe('Maya.Patel@example.com');
    expect(normalizeEmail('not-an-address')).toBeUndefined();
  });

  it('keeps a valid international phone number in E.164, and refuses others', () => {
    expect(normalizePhone('+44 7911 123456')).toBe('+447911123456');
    expect(normalizePhone('07911 123456')).toBeUndefined();
    // Ofcom's drama range cannot be assigned, so it is not a usable number.
    expect(normalizePhone('+44 7700 900123')).toBeUndefined();
    expect(normalizePhone('+1 555')).toBeUndefined();
  });

  it('does not adopt an invalid address, but keeps the raw trait', () => {
    const profile = withEvent(emptyProfile(), { traits: { email: 'nope', phone: '12' } });

    expect(profile.email).toBeUndefined();
    expect(profile.phone).toBeUndefined();
    expect(profile.traits).toMatchObject({ email: 'nope', phone: '12' });
  });
});

describe('timezone fallback chain', () => {
  it('takes an explicit trait first', () => {
    const profile = withEvent(emptyProfile(), {
      traits: { timezone: 'Asia/Tokyo', phone: '+447911123456' },
      context: { timezone: 'Europe/Paris' },
    });

    expect([profile.timezone, profile.timezoneSource]).toEqual(['Asia/Tokyo', 'trait']);
  });

  it("then the phone number's country when it has a single zone", () => {
    const profile = withEvent(emptyProfile(), {
      traits: { phone: '+447911123456' },
      context: { timezone: 'Europe/Paris' },
    });

    expect([profile.timezone, profile.timezoneSource]).toEqual(['Europe/London', 'phone']);
  });

  it('does not guess from a country with several zones, and falls to the event context', () => {
    expect(phoneTimezone('+12025550123')).toBeUndefined();
    const profile = withEvent(emptyProfile(), {
      traits: { phone: '+12025550123' },
      context: { timezone: 'America/Chicago' },
    });

    expect([profile.timezone, profile.timezoneSource]).toEqual(['America/Chicago', 'context']);
  });

  it('never lets a weaker source replace a stronger one, and ignores invalid zones', () => {
    const fromTrait = withEvent(emptyProfile(), { traits: { timezone: 'Asia/Tokyo' } });

    const later = withEvent(
      fromTrait,
      { traits: { timezone: 'Mars/Olympus' }, context: { timezone: 'Europe/Paris' } },
      T0 + 1000,
    );

    expect([later.timezone, later.timezoneSource]).toEqual(['Asia/Tokyo', 'trait']);
  });

  it('resolves to the environment default, saying so, when nothing is known', () => {
    expect(resolveTimezone(emptyProfile(), 'Europe/Berlin')).toEqual({
      zone: 'Europe/Berlin',
      source: 'default',
    });
  });
});

describe('push devices', () => {
  it('adds a device per token, refreshes it when seen again, and keeps the most recent five', () => {
    let profile = emptyProfile();
    for (let i = 0; i < 7; i++)
      profile = withEvent(
        profile,
        { context: { device: { token: `t${i}`, platform: i % 2 ? 'ios' : 'FCM' } } },
        T0 + i * 1000,
      );
    profile = withEvent(profile, { context: { device: { token: 't0', platform: 'FCM' } } }, T0 + 10_000);

    expect(profile.devices).toHaveLength(MAX_DEVICES);
    expect(profile.devices.map((d) => d.token)).toEqual(['t0', 't6', 't5', 't4', 't3']);
    expect(profile.devices[1]).toMatchObject({ token: 't6', platform: 'FCM', active: true });
    expect(profile.devices[2]).toMatchObject({ token: 't5', platform: 'APNS' });
  });
});

describe('consent', () => {
  it('records consent per channel and topic with source and time', () => {
    const profile = withEvent(emptyProfile(), {
      traits: { consent: { email: true, sms: { marketing: false } } },
    });

    expect(consentFor(profile.consent, 'email', 'marketing')).toEqual({
      status: 'opted_in',
      source: 'com.example.shop',
      at: T0,
    });
    expect(consentFor(profile.consent, 'sms', 'marketing')?.status).toBe('opted_out');
    expect(consentFor(profile.consent, 'sms')).toBeUndefined();
  });

  it('keeps the newer decision when an older event arrives late', () => {
    const newer = withEvent(emptyProfile(), { traits: { consent: { email: false } } }, T0 + 60_000);

    const late = withEvent(newer, { traits: { consent: { email: true } } }, T0);

    expect(consentFor(late.consent, 'email')?.status).toBe('opted_out');
  });
});
