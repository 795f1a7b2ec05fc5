import type { CustomerState, SendIntent } from '../../../functions/core/engine/state.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import { Policies } from '../../../functions/core/policies/config.ts';
import type { Profile } from '../../../functions/core/profile/profile.ts';

let sequence = 0;

/** A marketing email intent with sensible defaults. */
export function intent(overrides: Partial<SendIntent> = {}): SendIntent {
  sequence++;
  return {
    messageId: `msg-${sequence}`,
    userId: 'ana',
    journeyId: 'promo',
    journeyVersion: 'v1',
    enrollmentId: `promo:ana:${sequence}`,
    stepId: 'send',
    channels: ['email'],
    template: 'promo',
    priority: 'normal',
    category: 'marketing',
    tags: [],
    at: 0,
    ...overrides,
  };
}

/** A customer reachable on every channel, opted in to everything, in Europe/Paris. */
export function reachableState(userId = 'ana', profile: Partial<Profile> = {}): CustomerState {
  const state = newCustomerState(userId);
  const consent = { status: 'opted_in' as const, source: 'test', at: 0 };
  state.profile = {
    ...state.profile,
    email: `${userId}@example.com`,
    phone: '+33612345678',
    devices: [{ token: 'tok', platform: 'APNS', lastSeenAt: 0, active: true }],
    timezone: 'Europe/Paris',
    timezoneSource: 'trait',
    consent: { email: consent, sms: consent, push: consent },
    ...profile,
  };
  return state;
}

export function policies(input: unknown): Policies {
  return Policies.parse(input);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday, 12:00 in Paris (UTC+1 in winter). */
export const NOON_PARIS = Date.parse('2026-11-02T11:00:00Z');
