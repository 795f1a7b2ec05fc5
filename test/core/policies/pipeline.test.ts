import { describe, expect, it } from 'vitest';
import { policyPipeline } from '../../../functions/core/policies/pipeline.ts';
import { InMemoryPolicyStore } from '../../../functions/core/policies/store.ts';
import { DAY, HOUR, intent, NOON_PARIS, policies, reachableState } from './support.ts';

const optedOut = { status: 'opted_out' as const, source: 'unsubscribe-link', at: 0 };

function pipelineWith(input: unknown, store = new InMemoryPolicyStore()) {
  return policyPipeline({ policies: policies(input), store, defaultTimezone: 'America/New_York' });
}

describe('channel selection', () => {
  it('takes the first reachable channel in order of preference and says why the others were passed over', async () => {
    // Prepare
    const store = new InMemoryPolicyStore();
    await store.suppress('+33612345678', 'stop');
    const pipeline = pipelineWith({}, store);
    const state = reachableState('ana', { consent: {} });

    // Act
    const outcome = await pipeline(intent({ channels: ['push', 'sms', 'email'] }), state, NOON_PARIS);

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
    const pipeline = pipelineWith({});
    const state = reachableState('ana', { devices: [], phone: undefined, consent: { email: optedOut } });

    // Act
    const outcome = await pipeline(intent({ channels: ['push', 'sms', 'email'] }), state, NOON_PARIS);

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
    const pipeline = pipelineWith({ suppression: [{ address: 'Ana@EXAMPLE.com', reason: 'complaint' }] });
    const inactive = reachableState('ana', {
      devices: [{ token: 't', platform: 'FCM', lastSeenAt: 0, active: false }],
    });

    // Act
    const push = await pipeline(intent({ channels: ['push'] }), inactive, NOON_PARIS);
    const sms = await pipeline(
      intent({ channels: ['sms'] }),
      reachableState('ana', { phone: undefined }),
      NOON_PARIS,
    );
    const email = await pipeline(intent({ channels: ['email'] }), reachableState('Ana'), NOON_PARIS);

    // Assess
    expect(push).toMatchObject({ status: 'SKIPPED', reason: 'inactive_device', channel: 'push' });
    expect(sms).toMatchObject({ status: 'SKIPPED', reason: 'missing_address', channel: 'sms' });
    expect(email).toMatchObject({ status: 'SKIPPED', reason: 'suppressed', rule: 'suppression.complaint' });
  });

  it('applies consent per channel and topic: opt-in, opt-out, none, and tags as topics', async () => {
    // Prepare
    const pipeline = pipelineWith({
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
    const run = (s: typeof noRecords, i: ReturnType<typeof intent>) => pipeline(i, s, NOON_PARIS);

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
    const pipeline = pipelineWith({ quietHours: { email: { from: '22:00', to: '08:00' } } });
    const state = reachableState('ana', { timezone: undefined, timezoneSource: undefined });
    const at = Date.parse('2026-11-02T08:00:00Z');

    // Act
    const outcome = await pipeline(intent(), state, at);

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
    const pipeline = pipelineWith({
      sendWindows: {
        email: { open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] },
      },
      closedDays: { dates: [{ date: '2026-11-03', name: 'Company day' }] },
    });
    const state = reachableState('ana');
    const mondayEvening = Date.parse('2026-11-02T17:30:00Z'); // 18:30 in Paris
    const tuesdayNoon = Date.parse('2026-11-03T11:00:00Z');

    // Act
    const evening = await pipeline(intent(), state, mondayEvening);
    const closed = await pipeline(intent(), state, tuesdayNoon);
    const saturday = await pipeline(intent(), state, Date.parse('2026-11-07T11:00:00Z'));
    const smsOnlyClosed = pipelineWith({
      closedDays: { dates: [{ date: '2026-11-03', channels: ['sms'] }] },
    });
    const emailOnClosedSmsDay = await smsOnlyClosed(intent(), state, tuesdayNoon);
    const smsOnClosedSmsDay = await smsOnlyClosed(intent({ channels: ['sms'] }), state, tuesdayNoon);

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
    const dropAtNight = pipelineWith({
      quietHours: { email: { from: '20:00', to: '08:00', behaviour: 'drop' } },
    });
    const neverOpen = pipelineWith({
      sendWindows: { email: { open: [{ days: ['mon'], from: '09:00', to: '10:00' }] } },
      closedDays: { dates: [{ date: '2026-11-09' }, { date: '2026-11-16' }] },
    });

    // Act
    const night = await dropAtNight(intent(), reachableState(), Date.parse('2026-11-02T21:00:00Z'));
    const never = await neverOpen(intent(), reachableState(), Date.parse('2026-11-02T11:00:00Z'));

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
    const pipeline = pipelineWith({ caps: [weekly] });
    const state = reachableState();
    const t0 = NOON_PARIS;

    // Act
    const outcomes = [
      await pipeline(intent(), state, t0),
      await pipeline(intent(), state, t0 + DAY),
      await pipeline(intent(), state, t0 + 7 * DAY - 60_000),
      await pipeline(intent(), state, t0 + 7 * DAY),
      await pipeline(intent(), state, t0 + 7 * DAY + HOUR),
      await pipeline(intent(), state, t0 + 8 * DAY),
    ];

    // Assess
    expect(outcomes.map(sent)).toEqual([true, true, false, true, false, true]);
    expect(outcomes[2]).toMatchObject({ status: 'SKIPPED', reason: 'cap_exceeded', rule: 'caps.weekly' });
  });

  it('applies every rule that selects a message; the most restrictive one is reported and waited for', async () => {
    // Prepare
    const pipeline = pipelineWith({
      caps: [weekly, { id: 'daily', max: 1, per: 'P1D' }, { id: 'monthly', max: 5, per: 'P30D' }],
    });
    const state = reachableState();
    await pipeline(intent(), state, NOON_PARIS);

    // Act
    const sameDay = await pipeline(intent({ onCap: 'defer' }), state, NOON_PARIS + HOUR);
    await pipeline(intent(), state, NOON_PARIS + DAY);
    const third = await pipeline(intent({ onCap: 'defer' }), state, NOON_PARIS + 2 * DAY + HOUR);

    // Assess: the daily rule frees first after one send; after two, the weekly rule frees last.
    expect(sameDay).toMatchObject({ status: 'DEFERRED', rule: 'caps.daily', until: NOON_PARIS + DAY });
    expect(third).toMatchObject({ status: 'DEFERRED', rule: 'caps.weekly', until: NOON_PARIS + 7 * DAY });
  });

  it('exempts transactional messages unless a rule names them', async () => {
    // Prepare
    const anyCategory = pipelineWith({ caps: [{ id: 'all', max: 1, per: 'P7D' }] });
    const naming = pipelineWith({
      caps: [{ id: 'receipts', max: 1, per: 'P7D', category: 'transactional' }],
    });
    const tagged = pipelineWith({ caps: [{ id: 'vip', max: 1, per: 'P7D', tag: 'vip' }] });
    const state = reachableState();
    const receipt = () => intent({ category: 'transactional' });

    // Act
    const exempt = [
      await anyCategory(receipt(), state, NOON_PARIS),
      await anyCategory(receipt(), state, NOON_PARIS),
    ];
    const capped = [await naming(receipt(), state, NOON_PARIS), await naming(receipt(), state, NOON_PARIS)];
    const marketingAfter = await anyCategory(intent(), state, NOON_PARIS);
    const vipReceipt = () => intent({ category: 'transactional', tags: ['vip'] });
    const taggedReceipts = [
      await tagged(vipReceipt(), state, NOON_PARIS),
      await tagged(vipReceipt(), state, NOON_PARIS),
    ];

    // Assess
    expect(exempt.map(sent)).toEqual([true, true]);
    expect(capped.map(sent)).toEqual([true, false]);
    expect(marketingAfter.status).toBe('SENT');
    expect(taggedReceipts.map(sent)).toEqual([true, true]);
  });

  it('scopes rules to a channel and a tag', async () => {
    // Prepare
    const pipeline = pipelineWith({
      caps: [
        { id: 'sms', max: 1, per: 'P7D', channel: 'sms' },
        { id: 'discounts', max: 1, per: 'P7D', tag: 'discount' },
      ],
    });
    const state = reachableState();
    const at = NOON_PARIS;

    // Act
    const outcomes = [
      await pipeline(intent({ channels: ['sms'] }), state, at),
      await pipeline(intent({ channels: ['sms'] }), state, at),
      await pipeline(intent({ channels: ['email'] }), state, at),
      await pipeline(intent({ tags: ['discount'] }), state, at),
      await pipeline(intent({ tags: ['discount'] }), state, at),
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
    const pipeline = pipelineWith({ caps: [{ id: 'once', max: 1, per: 'P7D' }] });
    const state = reachableState();
    await pipeline(intent(), state, NOON_PARIS);
    const deferred = intent({ onCap: 'defer' });

    // Act
    const skip = await pipeline(intent({ onCap: 'skip' }), state, NOON_PARIS + HOUR);
    const defer = await pipeline(deferred, state, NOON_PARIS + HOUR);
    const drop = await pipeline(intent({ onCap: 'drop' }), state, NOON_PARIS + HOUR);
    const retried = await pipeline(deferred, state, defer.until ?? 0);

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
