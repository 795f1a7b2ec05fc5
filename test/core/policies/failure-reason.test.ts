import { describe, expect, it } from 'vitest';
import { failureReasonOf, outcomeDimensions } from '../../../functions/core/policies/failure-reason.ts';

describe('the enum reason of a failed send (SendOutcomes reason)', () => {
  it.each([
    [
      'template-missing-variable: cart-reminder.yaml subject: profile.traits.firstName',
      true,
      'render_failed',
    ],
    ['sms-too-long: 4 GSM-7 segments (500 units), at most 3 allowed', true, 'render_failed'],
    ['no-address: the profile has no sms address', true, 'no_address'],
    ['invalid-address: the number is not in E.164 form', true, 'invalid_address'],
    ['channel-not-configured: no push adapter in this environment', true, 'channel_not_configured'],
    ['push-failed: no device took it (device 1: PERMANENT_FAILURE)', true, 'devices_refused'],
    ['retries-exhausted after 4 attempts: ThrottlingException: Rate exceeded', false, 'retries_exhausted'],
    ['ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT: +447700900123 opted out', true, 'opted_out'],
    ['ServiceQuotaExceededException: monthly spend limit reached', false, 'provider_held'],
    ['MessageRejected: Email address is not verified: a@example.com', true, 'provider_rejected'],
  ] as const)('%s -> %s', (text, permanent, expected) => {
    // Act and Assess
    expect(failureReasonOf(text, permanent)).toBe(expected);
  });

  it('takes the dimensions of any outcome from enums', () => {
    // Act and Assess
    expect(
      outcomeDimensions({ status: 'FAILED', channel: 'sms', permanent: true, reason: 'Bad +447700900123' }),
    ).toEqual({ channel: 'sms', status: 'FAILED', reason: 'provider_rejected' });
    expect(outcomeDimensions({ status: 'SKIPPED', reason: 'free text from somewhere' })).toEqual({
      channel: 'none',
      status: 'SKIPPED',
      reason: 'other',
    });
    expect(
      outcomeDimensions({ status: 'UNKNOWN', reason: 'unknown_outcome', claimedAt: 0, attempt: 1 }),
    ).toEqual({ channel: 'unknown', status: 'UNKNOWN', reason: 'unknown_outcome' });
  });
});
