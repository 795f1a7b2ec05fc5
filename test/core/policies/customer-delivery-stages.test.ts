import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../functions/core/engine/bucket.ts';
import type { CustomerState, SendIntent } from '../../../functions/core/engine/state.ts';
import { decideInState } from '../../../functions/core/policies/customer-delivery.ts';
import type { SendOutcome } from '../../../functions/core/policies/outcome.ts';
import type { SuppressionReason } from '../../../functions/core/policies/suppression-reason.ts';
import { claimAndSend } from '../../../functions/core/runtime/claim-and-send.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { DAY, HOUR, intent, NOON_PARIS, policies, reachableState } from './support.ts';

/**
 * Each stage of the one send decision (channel, consent, suppression, local time, caps) and the ledger after
 * it, as deliver runs them: decideInState on the customer's state, then claimAndSend. The state-specific
 * parts (what a decision writes to the state) are in customer-delivery.test.ts.
 */

const optedOut = { status: 'opted_out' as const, source: 'unsubscribe-link', at: 0 };
const MINUTE = 60_000;

/**
 * The send decision under the policies `input`, then the ledger: `send` decides in the state it is given,
 * `customer` keeps one customer's state between sends, so that what a send counted is there for the next.
 * `suppressed` are the address-level suppressions read from the policy store (deliver's `alsoSuppressed`).
 */
function stagesWith(input: unknown, suppressed: [string, SuppressionReason][] = []) {
  const options = { policies: policies(input), defaultTimezone: 'America/New_York' };
  const ledger = new InMemoryPolicyStore();
  const decideAndSend = async (
    message: SendIntent,
    state: CustomerState,
    now: number,
  ): Promise<{ outcome: SendOutcome; state: CustomerState }> => {
    // As deliver decides a send that comes back from a hold (the enrollment_ended check applies).
    const made = decideInState(message, state, options, now, suppressed, true);
    if (!made.decision.pass) return { outcome: made.decision.outcome, state: made.state };
    const { channel, extras } = made.decision;
    return {
      outcome: await claimAndSend(ledger, message, channel, extras, undefined, now),
      state: made.state,
    };
  };
  return {
    send: async (message: SendIntent, state: CustomerState, now: number) =>
      (await decideAndSend(message, state, now)).outcome,
    customer: (initial: CustomerState) => {
      let state = initial;
      return async (message: SendIntent, now: number): Promise<SendOutcome> => {
        const made = await decideAndSend(message, state, now);
        state = made.state;
        return made.outcome;
      };
    },
  };
}

describe('channel selection', () => {
  it('takes the first reachable channel in order of preference and says why the others were passed over', async () => {
    // Prepare: the phone was suppressed by a STOP, read from the policy store.
    const { send } = stagesWith({}, [['+33612345678', 'stop']]);
    const state = reachableState('ana', { consent: {} });

    // Act
    const outcome = await send(intent({ channels: ['push', 'sms', 'email'] }), state, NOON_PARIS);

    // Assess
    expect(outcome).toEqual({
      status: 'SENT',
      reason: 'sent',
      channel: 'email',
      passedOver: ['push: no_opt_in', 'sms: suppressed'],
    });
  });

  it('skips when no channel is reachable, with the reason of the channel that got furthest', async () => {
    // Prepare
    const { send } = stagesWith({});
    const state = reachableState('ana', { devices: [], phone: undefined, consent: { email: optedOut } });

    // Act
    const outcome = await send(intent({ channels: ['push', 'sms', 'email'] }), state, NOON_PARIS);

    // Assess
    expect(outcome).toEqual({
      status: 'SKIPPED',
      reason: 'opt_out',
      rule: 'consent.email.marketing',
      channel: 'email',
      passedOver: ['push: missing_address', 'sms: missing_address'],
    });
  });

  it('knows inactive devices, missing addresses and suppression from the policies file', async () => {
    // Prepare
    const { send } = stagesWith({ suppression: [{ address: 'Ana@EXAMPLE.com', reason: 'complaint' }] });
    const inactive = reachableState('ana', {
      devices: [{ token: 't', platform: 'FCM', lastSeenAt: 0, active: false }],
    });

    // Act
    const push = await send(intent({ channels: ['push'] }), inactive, NOON_PARIS);
    const sms = await send(
      intent({ channels: ['sms'] }),
      reachableState('ana', { phone: undefined }),
      NOON_PARIS,
    );
    const email = await send(intent({ channels: ['email'] }), reachableState('Ana'), NOON_PARIS);

    // Assess
    expect(push).toMatchObject({ status: 'SKIPPED', reason: 'inactive_device', channel: 'push' });
    expect(sms).toMatchObject({ status: 'SKIPPED', reason: 'missing_address', channel: 'sms' });
    expect(email).toMatchObject({ status: 'SKIPPED', reason: 'suppressed', rule: 'suppression.complaint' });
  });

  it('applies consent per channel and topic: opt-in, opt-out, none, and tags as topics', async () => {
    // Prepare
    const { send } = stagesWith({
      consent: {
        email: { marketing: 'opt-out', transactional: 'none', newsletter: 'opt-in' },
        sms: { marketing: 'opt-in', transactional: 'opt-out' },
      },
    });
    const noRecords = reachableState('ana', { consent: {} });
    const smsOut = reachableState('ana', { consent: { sms: optedOut } });
    const emailOut = reachableState('ana', { consent: { email: optedOut } });
    const newsletterIn = reachableState('ana', {
      consent: { 'email:newsletter': { status: 'opted_in', source: 'form', at: 0 } },
    });
    const run = (s: CustomerState, i: SendIntent) => send(i, s, NOON_PARIS);

    // Act
    const outcomes = await Promise.all([
      run(noRecords, intent({ channels: ['email'] })),
      run(noRecords, intent({ channels: ['sms'] })),
      run(noRecords, intent({ channels: ['sms'], category: 'transactional' })),
      run(smsOut, intent({ channels: ['sms'], category: 'transactional' })),
      run(emailOut, intent({ channels: ['email'], category: 'transactional' })),
      run(noRecords, intent({ channels: ['email'], tags: ['newsletter'] })),
      run(newsletterIn, intent({ channels: ['email'], tags: ['newsletter'] })),
    ]);

    // Assess
    expect(outcomes.map((o) => `${o.status} ${o.reason} ${o.rule ?? ''}`.trim())).toEqual([
      'SENT sent',
      'SKIPPED no_opt_in consent.sms.marketing',
      'SENT sent',
      'SKIPPED opt_out consent.sms.transactional',
      'SENT sent',
      'SKIPPED no_opt_in consent.email.newsletter',
      'SENT sent',
    ]);
  });
});

describe('local time', () => {
  it('holds a message in quiet hours and records missing_timezone when the default zone was used', async () => {
    // Prepare: 03:00 in New York, the default zone; the profile has no timezone.
    const { send } = stagesWith({ quietHours: { email: { from: '22:00', to: '08:00' } } });
    const state = reachableState('ana', { timezone: undefined, timezoneSource: undefined });
    const at = Date.parse('2026-11-02T08:00:00Z');

    // Act
    const outcome = await send(intent(), state, at);

    // Assess
    expect(outcome).toEqual({
      status: 'DEFERRED',
      reason: 'quiet_time',
      rule: 'quietHours.email',
      channel: 'email',
      until: Date.parse('2026-11-02T13:00:00Z'),
      notes: ['missing_timezone'],
    });
  });

  it('holds outside send windows and on closed days until the next open minute', async () => {
    // Prepare: Paris; open weekdays 09:00 to 17:00; Tuesday 2026-11-03 is closed.
    const { send } = stagesWith({
      sendWindows: {
        email: { open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
      },
      closedDays: { dates: [{ date: '2026-11-03', name: 'Company day' }] },
    });
    const smsOnlyClosed = stagesWith({ closedDays: { dates: [{ date: '2026-11-03', channels: ['sms'] }] } });
    const state = reachableState('ana');
    const mondayEvening = Date.parse('2026-11-02T17:30:00Z'); // 18:30 in Paris
    const tuesdayNoon = Date.parse('2026-11-03T11:00:00Z');

    // Act
    const evening = await send(intent(), state, mondayEvening);
    const closed = await send(intent(), state, tuesdayNoon);
    const saturday = await send(intent(), state, Date.parse('2026-11-07T11:00:00Z'));
    const emailOnClosedSmsDay = await smsOnlyClosed.send(intent(), state, tuesdayNoon);
    const smsOnClosedSmsDay = await smsOnlyClosed.send(intent({ channels: ['sms'] }), state, tuesdayNoon);

    // Assess: Wednesday 09:00 in Paris is 08:00Z; Monday 09:00 is 2026-11-09T08:00Z.
    expect(emailOnClosedSmsDay.status).toBe('SENT');
    expect(smsOnClosedSmsDay).toMatchObject({
      status: 'DEFERRED',
      until: Date.parse('2026-11-03T23:00:00Z'),
    });
    expect(evening).toMatchObject({
      status: 'DEFERRED',
      reason: 'outside_send_window',
      until: Date.parse('2026-11-04T08:00:00Z'),
    });
    expect(closed).toMatchObject({ status: 'DEFERRED', reason: 'closed_day', rule: 'closedDays.2026-11-03' });
    expect(saturday).toMatchObject({ status: 'DEFERRED', until: Date.parse('2026-11-09T08:00:00Z') });
  });

  it('drops when the rule says drop, and when no allowed minute comes within 14 days', async () => {
    // Prepare
    const dropAtNight = stagesWith({
      quietHours: { email: { from: '20:00', to: '08:00', behaviour: 'drop' } },
    });
    const neverOpen = stagesWith({
      sendWindows: { email: { open: [{ days: ['mon'], from: '09:00', to: '10:00' }] } },
      closedDays: { dates: [{ date: '2026-11-09' }, { date: '2026-11-16' }] },
    });

    // Act
    const night = await dropAtNight.send(intent(), reachableState(), Date.parse('2026-11-02T21:00:00Z'));
    const never = await neverOpen.send(intent(), reachableState(), Date.parse('2026-11-02T11:00:00Z'));

    // Assess
    expect(night).toMatchObject({ status: 'DROPPED', reason: 'quiet_time', rule: 'quietHours.email' });
    expect(never).toMatchObject({ status: 'DROPPED', reason: 'no_send_time' });
  });
});

describe('frequency caps', () => {
  const weekly = { id: 'weekly', max: 2, per: 'P7D', category: 'marketing' };
  const sent = (o: { status: string }) => o.status === 'SENT';

  it('counts a rolling window: a send exactly 7 days after the first opens a new window', async () => {
    // Prepare
    const send = stagesWith({ caps: [weekly] }).customer(reachableState());
    const t0 = NOON_PARIS;

    // Act
    const outcomes = [
      await send(intent(), t0),
      await send(intent(), t0 + DAY),
      await send(intent(), t0 + 7 * DAY - MINUTE),
      await send(intent(), t0 + 7 * DAY),
      await send(intent(), t0 + 7 * DAY + HOUR),
      await send(intent(), t0 + 8 * DAY),
    ];

    // Assess
    expect(outcomes.map(sent)).toEqual([true, true, false, true, false, true]);
    expect(outcomes[2]).toMatchObject({ status: 'SKIPPED', reason: 'cap_exceeded', rule: 'caps.weekly' });
  });

  it('applies every rule that selects a message; the most restrictive one is reported and waited for', async () => {
    // Prepare
    const send = stagesWith({
      caps: [weekly, { id: 'daily', max: 1, per: 'P1D' }, { id: 'monthly', max: 5, per: 'P30D' }],
    }).customer(reachableState());
    await send(intent(), NOON_PARIS);

    // Act
    const sameDay = await send(intent({ onCap: 'defer' }), NOON_PARIS + HOUR);
    await send(intent(), NOON_PARIS + DAY);
    const third = await send(intent({ onCap: 'defer' }), NOON_PARIS + 2 * DAY + HOUR);

    // Assess: the daily rule frees first after one send; after two, the weekly rule frees last.
    expect(sameDay).toMatchObject({ status: 'DEFERRED', rule: 'caps.daily', until: NOON_PARIS + DAY });
    expect(third).toMatchObject({ status: 'DEFERRED', rule: 'caps.weekly', until: NOON_PARIS + 7 * DAY });
  });

  it('exempts transactional messages unless a rule names them', async () => {
    // Prepare
    const anyCategory = stagesWith({ caps: [{ id: 'all', max: 1, per: 'P7D' }] }).customer(reachableState());
    const naming = stagesWith({
      caps: [{ id: 'receipts', max: 1, per: 'P7D', category: 'transactional' }],
    }).customer(reachableState());
    const tagged = stagesWith({ caps: [{ id: 'vip', max: 1, per: 'P7D', tag: 'vip' }] }).customer(
      reachableState(),
    );
    const receipt = () => intent({ category: 'transactional' });
    const vipReceipt = () => intent({ category: 'transactional', tags: ['vip'] });

    // Act
    const exempt = [await anyCategory(receipt(), NOON_PARIS), await anyCategory(receipt(), NOON_PARIS)];
    const capped = [await naming(receipt(), NOON_PARIS), await naming(receipt(), NOON_PARIS)];
    const marketingAfter = await anyCategory(intent(), NOON_PARIS);
    const taggedReceipts = [await tagged(vipReceipt(), NOON_PARIS), await tagged(vipReceipt(), NOON_PARIS)];

    // Assess
    expect(exempt.map(sent)).toEqual([true, true]);
    expect(capped.map(sent)).toEqual([true, false]);
    expect(marketingAfter.status).toBe('SENT');
    expect(taggedReceipts.map(sent)).toEqual([true, true]);
  });

  it('scopes rules to a channel and a tag', async () => {
    // Prepare
    const send = stagesWith({
      caps: [
        { id: 'sms', max: 1, per: 'P7D', channel: 'sms' },
        { id: 'discounts', max: 1, per: 'P7D', tag: 'discount' },
      ],
    }).customer(reachableState());
    const at = NOON_PARIS;

    // Act
    const outcomes = [
      await send(intent({ channels: ['sms'] }), at),
      await send(intent({ channels: ['sms'] }), at),
      await send(intent({ channels: ['email'] }), at),
      await send(intent({ tags: ['discount'] }), at),
      await send(intent({ tags: ['discount'] }), at),
    ];

    // Assess
    expect(outcomes.map((o) => o.rule ?? o.status)).toEqual([
      'SENT',
      'caps.sms',
      'SENT',
      'SENT',
      'caps.discounts',
    ]);
  });

  it('gives the journey’s choice: skip, defer until the window frees (then sends), or drop and end', async () => {
    // Prepare
    const send = stagesWith({ caps: [{ id: 'once', max: 1, per: 'P7D' }] }).customer(reachableState());
    await send(intent(), NOON_PARIS);
    const deferred = intent({ onCap: 'defer' });

    // Act
    const skip = await send(intent({ onCap: 'skip' }), NOON_PARIS + HOUR);
    const defer = await send(deferred, NOON_PARIS + HOUR);
    const drop = await send(intent({ onCap: 'drop' }), NOON_PARIS + HOUR);
    const retried = await send(deferred, defer.until ?? 0);

    // Assess
    expect(skip).toEqual({ status: 'SKIPPED', reason: 'cap_exceeded', rule: 'caps.once', channel: 'email' });
    expect(defer).toEqual({
      status: 'DEFERRED',
      reason: 'cap_exceeded',
      rule: 'caps.once',
      channel: 'email',
      until: NOON_PARIS + 7 * DAY,
    });
    expect(drop).toEqual({
      status: 'DROPPED',
      reason: 'cap_exceeded',
      rule: 'caps.once',
      channel: 'email',
      endsEnrollment: true,
    });
    expect(retried.status).toBe('SENT');
  });
});

describe('after the policies', () => {
  it('drops a message sent before as a duplicate in the ledger, and counts it against the caps once', async () => {
    // Prepare: push is passed over for want of an opt-in, so the send goes by email.
    const send = stagesWith({ caps: [{ id: 'weekly', max: 2, per: 'P7D' }] }).customer(
      reachableState('ana', { consent: {} }),
    );
    const one = intent({ channels: ['push', 'email'] });
    const first = await send(one, NOON_PARIS);

    // Act
    const again = await send(one, NOON_PARIS + MINUTE);
    const second = await send(intent(), NOON_PARIS + HOUR);
    const third = await send(intent(), NOON_PARIS + 2 * HOUR);

    // Assess
    expect(first).toMatchObject({ status: 'SENT', channel: 'email' });
    expect(again).toEqual({
      status: 'DROPPED',
      reason: 'duplicate',
      rule: 'ledger',
      channel: 'email',
      passedOver: ['push: no_opt_in'],
    });
    expect([second.status, third.status]).toEqual(['SENT', 'SKIPPED']);
  });

  it('drops a held send whose enrollment ended before it came back, before any other stage', async () => {
    // Prepare: the enrollment ended (an exit) while its send was held; the phone is missing as well.
    const { send } = stagesWith({});
    const held = intent({ channels: ['sms'], onCap: 'defer' });
    const live = reachableState('ana');
    const ended: CustomerState = { ...live, ended: [[fingerprint(held.enrollmentId), NOON_PARIS]] };

    // Act
    const afterEnd = await send(
      held,
      { ...ended, profile: { ...ended.profile, phone: undefined } },
      NOON_PARIS + DAY,
    );
    const whileLive = await send(held, live, NOON_PARIS + DAY);

    // Assess
    expect(afterEnd).toEqual({ status: 'DROPPED', reason: 'enrollment_ended' });
    expect(whileLive.status).toBe('SENT');
  });
});
