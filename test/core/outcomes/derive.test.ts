import { describe, expect, it } from 'vitest';
import { inputKey } from '../../../functions/core/engine/engine.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { outcomeRecords } from '../../../functions/core/outcomes/derive.ts';
import { OutcomeRecord } from '../../../functions/core/outcomes/record.ts';
import type { Observation } from '../../../functions/core/ports/observer.ts';

const AT = Date.parse('2026-11-03T10:00:00Z');
const MESSAGE = 'welcome-series:ana:abc:welcome-email:1';

function feedbackEvent(
  detailType: string,
  source = 'cairn.feedback',
  extra: Record<string, string> = {},
): CustomerEvent {
  return {
    version: '0',
    id: `ses-1:${detailType}`,
    source,
    'detail-type': detailType,
    time: new Date(AT).toISOString(),
    resources: [],
    detail: {
      userId: 'ana',
      properties: { journeyId: 'welcome-series', stepId: 'welcome-email', messageId: MESSAGE, ...extra },
    },
  };
}

const applied = (event: CustomerEvent, effects: Extract<Observation, { type: 'applied' }>['effects'] = []) =>
  ({
    type: 'applied',
    at: AT,
    userId: 'ana',
    origin: 'sqs-1',
    input: { kind: 'event', event },
    effects,
  }) as const;

describe('outcome records of provider feedback', () => {
  it.each([
    ['Email Delivered', 'delivered', 'email'],
    ['Email Opened', 'opened', 'email'],
    ['Email Link Clicked', 'clicked', 'email'],
    ['Email Bounced', 'bounced', 'email'],
    ['Email Marked as Spam', 'complained', 'email'],
    ['SMS Failed', 'failed', 'sms'],
    ['Push Delivered', 'delivered', 'push'],
  ])('records %s as %s on %s, with the message it is about', (detailType, status, channel) => {
    // Act
    const records = outcomeRecords(applied(feedbackEvent(detailType)));

    // Assess
    expect(records).toEqual([
      OutcomeRecord.parse({
        v: 1,
        id: `${inputKey({ kind: 'event', event: feedbackEvent(detailType) })}#feedback`,
        kind: 'feedback',
        occurred_at: '2026-11-03T10:00:00.000Z',
        user_id: 'ana',
        journey_id: 'welcome-series',
        journey_version: null,
        enrollment_id: null,
        step_id: 'welcome-email',
        variant_group: null,
        message_id: MESSAGE,
        channel,
        provider_message_id: null,
        status,
        reason: null,
        detail: null,
      }),
    ]);
  });

  it('records an unsubscribe with its channel and method', () => {
    // Act
    const [record] = outcomeRecords(
      applied(feedbackEvent('Unsubscribed', 'cairn.unsubscribe', { channel: 'sms', method: 'one-click' })),
    );

    // Assess
    expect(record).toMatchObject({
      kind: 'feedback',
      status: 'unsubscribed',
      channel: 'sms',
      reason: 'one-click',
    });
  });

  it('records nothing for an input applied before (a re-delivered provider record)', () => {
    // Act
    const records = outcomeRecords(
      applied(feedbackEvent('Email Opened'), [
        { type: 'ignored', at: AT, userId: 'ana', reason: 'duplicate-input', inputKey: 'x' },
      ]),
    );

    // Assess
    expect(records).toEqual([]);
  });

  it('records an app event that is not feedback only by what it caused', () => {
    // Prepare
    const event = feedbackEvent('Email Opened', 'com.example.shop');

    // Act
    const records = outcomeRecords(
      applied(event, [
        {
          type: 'held-out',
          at: AT,
          userId: 'ana',
          journeyId: 'win-back',
          version: 'v1',
          enrollmentId: 'e1',
          stepId: 'control-group',
        },
        { type: 'timer-cancelled', at: AT, userId: 'ana', timerId: 't1', reason: 'event-arrived' },
      ]),
    );

    // Assess
    expect(records.map((r) => [r.kind, r.variant_group, r.id])).toEqual([
      ['grouped', 'holdout', `${inputKey({ kind: 'event', event })}#0`],
    ]);
  });
});

describe('outcome records of goals', () => {
  const goal = {
    type: 'goal-reached',
    at: AT,
    userId: 'ana',
    journeyId: 'cart-offer',
    version: 'v1',
    enrollmentId: 'e1',
    eventId: 'order-1',
    holdout: false,
    variant: 'discount',
  } as const;

  it("records the goal event's revenue and currency, for revenue per customer in the report", () => {
    // Prepare
    const event = feedbackEvent('Order Completed', 'com.example.shop');

    // Act
    const [withRevenue] = outcomeRecords(applied(event, [{ ...goal, revenue: 42.5, currency: 'EUR' }]));
    const [without] = outcomeRecords(applied(event, [{ ...goal, currency: 'EUR' }]));

    // Assess
    expect(withRevenue).toMatchObject({
      kind: 'goal_reached',
      variant_group: 'discount',
      detail: 'order-1',
      revenue: 42.5,
      currency: 'EUR',
    });
    expect(without).toMatchObject({ kind: 'goal_reached', revenue: null, currency: null });
  });

  it('reads a line written before the revenue columns existed with them null', () => {
    // Prepare
    const [record] = outcomeRecords(applied(feedbackEvent('Order Completed', 'com.example.shop'), [goal]));
    const { revenue: _revenue, currency: _currency, ...older } = record ?? {};

    // Act
    const parsed = OutcomeRecord.parse(older);

    // Assess
    expect(parsed).toEqual(record);
  });
});

describe('outcome records of call steps', () => {
  const answered = {
    type: 'call-answered',
    at: AT,
    userId: 'ana',
    journeyId: 'wholesale-leads',
    version: 'v1',
    enrollmentId: 'e1',
    stepId: 'tell-crm',
    callId: 'call-1',
  } as const;

  it('records the result the enrollment took: answered with the fields it saved, or failed with the reason', () => {
    // Prepare
    const event = feedbackEvent('Call Answered', 'cairn.calls');
    const observation = applied(event, [
      { ...answered, ok: true, saved: ['tier', 'owner'] },
      { ...answered, callId: 'call-2', ok: false, reason: 'HTTP 500', saved: [] },
    ]);

    // Act
    const records = outcomeRecords(observation).map((r) => OutcomeRecord.parse(r));

    // Assess
    expect(
      records.map(({ kind, step_id, message_id, status, reason, detail }) => ({
        kind,
        step_id,
        message_id,
        status,
        reason,
        detail,
      })),
    ).toEqual([
      {
        kind: 'call',
        step_id: 'tell-crm',
        message_id: 'call-1',
        status: 'answered',
        reason: null,
        detail: 'tier,owner',
      },
      {
        kind: 'call',
        step_id: 'tell-crm',
        message_id: 'call-2',
        status: 'failed',
        reason: 'HTTP 500',
        detail: null,
      },
    ]);
  });

  it('records no attempt of a call: only the result counts', () => {
    // Prepare
    const attempt: Observation = {
      type: 'called',
      at: AT,
      attempt: 1,
      reason: 'timeout after 1000 ms',
      intent: { callId: 'call-1' } as Extract<Observation, { type: 'called' }>['intent'],
    };

    // Act
    const records = outcomeRecords(attempt);

    // Assess
    expect(records).toEqual([]);
  });
});
