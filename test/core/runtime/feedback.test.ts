import { describe, expect, it } from 'vitest';
import type { FeedbackOutcome } from '../../../functions/core/feedback/outcome.ts';
import { mapPushResults } from '../../../functions/core/feedback/push.ts';
import {
  applyFeedbackOutcomes,
  FEEDBACK_SOURCE,
  type FeedbackPorts,
  handleFeedback,
} from '../../../functions/core/runtime/feedback.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { customerEvent, MemoryPublisher, memoryPorts, T0 } from '../../handlers/support.ts';
import { fixture, IDS, lambdaSnsEvent, snsNotification, tagged } from './feedback-fixtures.ts';

const BOUNCED = 'recipient@example.com';
const SES_MESSAGE_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

function feedbackPorts(): FeedbackPorts & { policyStore: InMemoryPolicyStore; events: MemoryPublisher } {
  return { policyStore: new InMemoryPolicyStore(), events: new MemoryPublisher(), now: () => T0 };
}

describe('SES feedback (AWS samples)', () => {
  it.each([
    ['ses-sns-bounce.json', 'SNS record'],
    ['ses-eventbridge-bounce.json', 'EventBridge event'],
  ])('a permanent bounce (%s, %s) suppresses the address as hard_bounce', async (name) => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(await fixture(name), ports);

    // Assess
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([[BOUNCED, 'hard_bounce']]);
    expect(report.suppressions).toEqual([
      { channel: 'email', address: BOUNCED, reason: 'hard_bounce', cause: 'hard-bounce: Permanent/General' },
    ]);
    expect(report.statuses).toMatchObject([
      { channel: 'email', status: 'bounced', detail: 'Permanent/General' },
    ]);
    // The AWS sample carries no Cairn tags: nobody to tell.
    expect(ports.events.events).toEqual([]);
  });

  it('suppresses the address as profiles keep it: the domain in lower case', async () => {
    // Prepare
    const ports = feedbackPorts();
    const record = await fixture('ses-sns-bounce.json');
    const bounce = {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: ' Recipient@EXAMPLE.com' }],
      timestamp: '2017-08-05T00:41:02.669Z',
    };

    // Act
    await handleFeedback({ ...record, bounce }, ports);

    // Assess
    expect(await ports.policyStore.suppressed(['Recipient@example.com'])).toEqual([
      ['Recipient@example.com', 'hard_bounce'],
    ]);
  });

  it('a transient bounce (notification format) suppresses nothing', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(
      await fixture('ses-notification-transient-bounce-from-field-list.json'),
      ports,
    );

    // Assess
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([]);
    expect(report.statuses).toMatchObject([{ status: 'bounced', detail: 'Transient/MailboxFull' }]);
  });

  it('a complaint suppresses the address as complaint and, tagged, tells journeys', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    await handleFeedback(await tagged('ses-sns-complaint.json'), ports);

    // Assess
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([[BOUNCED, 'complaint']]);
    expect(ports.events.events).toMatchObject([
      { 'detail-type': 'Email Marked as Spam', detail: { userId: IDS.userId } },
    ]);
  });

  it.each([
    ['ses-sns-delivery.json', 'delivered', 'Email Delivered', {}],
    ['ses-sns-open.json', 'opened', 'Email Opened', {}],
    [
      'ses-sns-click.json',
      'clicked',
      'Email Link Clicked',
      { url: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html' },
    ],
    ['ses-sns-bounce.json', 'bounced', 'Email Bounced', { bounceType: 'Permanent', hard: true }],
  ])(
    '%s, tagged, reports %s and publishes "%s" with the journey, step and message ids',
    async (name, status, detailType, extra) => {
      // Prepare
      const ports = feedbackPorts();

      // Act
      const report = await handleFeedback(await tagged(name), ports);

      // Assess
      expect(report.statuses).toMatchObject([{ channel: 'email', status, ids: IDS }]);
      expect(ports.events.events).toEqual([
        {
          version: '0',
          id: `${SES_MESSAGE_ID}:${detailType}`,
          source: FEEDBACK_SOURCE,
          'detail-type': detailType,
          time: expect.any(String),
          resources: [],
          detail: {
            userId: IDS.userId,
            properties: { journeyId: IDS.journeyId, stepId: IDS.stepId, messageId: IDS.messageId, ...extra },
          },
        },
      ]);
    },
  );

  it.each([
    ['ses-sns-send.json', 'sent', undefined],
    ['ses-sns-reject.json', 'rejected', 'Bad content'],
    [
      'ses-sns-rendering-failure.json',
      'render-failed',
      "Attribute 'attributeName' is not present in the rendering data.",
    ],
    ['ses-sns-delivery-delay.json', 'delayed', 'TransientCommunicationFailure'],
  ])('%s reports the message %s and changes nothing else', async (name, status, detail) => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(await tagged(name), ports);

    // Assess
    expect(report.statuses).toEqual([
      expect.objectContaining({
        channel: 'email',
        status,
        providerMessageId: SES_MESSAGE_ID,
        ...(detail === undefined ? {} : { detail }),
      }),
    ]);
    expect(report.suppressions).toEqual([]);
    expect(ports.events.events).toEqual([]);
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([]);
  });

  it('a Subscription opt-out, tagged, becomes a consent event the profile records', async () => {
    // Prepare
    const ports = feedbackPorts();
    // The AWS sample is from 2022: ingest takes it on a clock of then (events far from the clock are refused)
    const apply = await memoryPorts({ now: () => Date.parse('2022-01-12T01:00:18Z') });

    // Act
    await handleFeedback(await tagged('ses-subscription-from-field-list.json'), ports);
    for (const event of ports.events.events) await ingest(JSON.stringify(event), apply, 'msg-1');

    // Assess
    expect(ports.events.events).toMatchObject([
      {
        source: FEEDBACK_SOURCE,
        'detail-type': 'Unsubscribed',
        detail: {
          userId: IDS.userId,
          properties: { channel: 'email', method: 'email-subscription', messageId: IDS.messageId },
          traits: { consent: { email: false } },
        },
      },
    ]);
    const stored = await apply.states.load(IDS.userId);
    expect(stored?.state.profile.consent.email).toEqual({
      status: 'opted_out',
      source: FEEDBACK_SOURCE,
      at: Date.parse('2022-01-12T01:00:17.910Z'),
    });
    // A marketing unsubscribe must not stop receipts: the address is not suppressed.
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([]);
  });

  it('a Subscription opt-out without Cairn’s tags names nobody: reported, nothing changed', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(await fixture('ses-subscription-from-field-list.json'), ports);

    // Assess
    expect(report.unattributed).toEqual([
      { kind: 'opt-out', channel: 'email', detail: expect.stringContaining('email-subscription') },
    ]);
    expect(ports.events.events).toEqual([]);
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([]);
  });

  it('a per-topic Subscription opt-out opts out of that topic only', async () => {
    // Prepare
    const ports = feedbackPorts();
    const record = await tagged('ses-subscription-from-field-list.json');
    const topicOnly = {
      ...record,
      subscription: {
        timestamp: '2022-01-12T01:00:17.910Z',
        newTopicPreferences: {
          unsubscribeAll: false,
          topicSubscriptionStatus: [{ topicName: 'marketing', subscriptionStatus: 'OptOut' }],
        },
      },
    };

    // Act
    await handleFeedback(topicOnly, ports);

    // Assess
    expect(ports.events.events[0]?.detail.traits).toEqual({ consent: { email: { marketing: false } } });
  });
});

describe('End User Messaging SMS feedback', () => {
  it('a delivery event in an EventBridge envelope publishes "SMS Delivered" for the customer in its context', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(await fixture('sms-eventbridge-delivered.json'), ports);

    // Assess
    expect(report.statuses).toMatchObject([{ channel: 'sms', status: 'delivered', ids: IDS }]);
    expect(ports.events.events).toMatchObject([
      { 'detail-type': 'SMS Delivered', detail: { userId: 'usr_1001', properties: { messageId: 'msg_42' } } },
    ]);
  });

  it('TEXT_SUCCESSFUL (AWS sample) reports the message sent, and without Cairn’s context publishes nothing', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(await fixture('sms-text-successful.json'), ports);

    // Assess
    expect(report.statuses).toMatchObject([{ channel: 'sms', status: 'sent' }]);
    expect(ports.events.events).toEqual([]);
  });

  it('a carrier opt-out suppresses the number with stop; an invalid number is suppressed as hard_bounce', async () => {
    // Prepare
    const ports = feedbackPorts();
    const base = await fixture('sms-text-successful.json');
    const invalidNumber = '+14255550199';

    // Act
    await handleFeedback({ ...base, eventType: 'TEXT_OPTED_OUT' }, ports);
    await handleFeedback(
      { ...base, eventType: 'TEXT_INVALID', destinationPhoneNumber: invalidNumber },
      ports,
    );

    // Assess
    expect(await ports.policyStore.suppressed(['+14255550156', invalidNumber])).toEqual([
      ['+14255550156', 'stop'],
      [invalidNumber, 'hard_bounce'],
    ]);
  });

  it('a STOP reply (two-way SMS over SNS) suppresses the sender’s number; another reply changes nothing', async () => {
    // Prepare
    const ports = feedbackPorts();
    const inbound = await fixture('sms-two-way-inbound.json');

    // Act
    const other = await handleFeedback(lambdaSnsEvent(inbound), ports);
    const afterOther = await ports.policyStore.suppressed(['+14255550182']);
    await handleFeedback(lambdaSnsEvent({ ...inbound, messageBody: ' stop ' }), ports);

    // Assess
    expect(other.ignored).toEqual(['inbound SMS is not an opt-out keyword']);
    expect(afterOther).toEqual([]);
    expect(await ports.policyStore.suppressed(['+14255550182'])).toEqual([['+14255550182', 'stop']]);
  });
});

describe('push feedback (SendMessages results)', () => {
  it('writes an updated token back and deactivates a failed one, on the profile of the customer sent to', async () => {
    // Prepare
    const apply = await memoryPorts();
    const known: [string, string][] = [
      ['fcm-token-ok', 'FCM'],
      ['apns-token-gone', 'APNS'],
    ];
    for (const [i, [token, platform]] of known.entries())
      await ingest(
        JSON.stringify(
          customerEvent(IDS.userId, `app-opened-${i}`, 'App Opened', {
            context: { device: { token, platform } },
          }),
        ),
        apply,
        `msg-${i}`,
      );
    const ports = feedbackPorts();
    const outcomes = mapPushResults(
      await fixture('push-send-messages-from-field-list.json'),
      IDS,
      T0,
    ).outcomes;

    // Act
    const report = await applyFeedbackOutcomes(outcomes, ports, T0);
    for (const event of ports.events.events) await ingest(JSON.stringify(event), apply, 'msg-feedback');

    // Assess
    expect(report.statuses.map((s) => s.status)).toEqual(['delivered', 'failed', 'failed']);
    const changes = ports.events.events.filter((e) => e['detail-type'] === 'Push Token Changed');
    expect(changes.map((e) => e.id)).toEqual([
      `${IDS.messageId}:updated:fcm-token-ok`,
      `${IDS.messageId}:deactivated:apns-token-gone`,
    ]);
    const devices = (await apply.states.load(IDS.userId))?.state.profile.devices ?? [];
    expect(devices.map((d) => [d.token, d.active]).sort()).toEqual([
      ['apns-token-gone', false],
      ['fcm-token-refreshed', true],
    ]);
  });

  it('counts token changes whose customer is unknown, and publishes nothing for them', async () => {
    // Prepare
    const ports = feedbackPorts();
    const outcomes: FeedbackOutcome[] = [
      { kind: 'token-updated', token: 'old-token-abcdefghijkl', updatedToken: 'new' },
      { kind: 'token-deactivated', token: 'gone-token', reason: 'PERMANENT_FAILURE' },
    ];

    // Act
    const report = await applyFeedbackOutcomes(outcomes, ports, T0);

    // Assess
    expect(report.unattributed.map((u) => u.kind)).toEqual(['token-updated', 'token-deactivated']);
    expect(report.unattributed[0]?.detail).not.toContain('old-token-abcdefghijkl');
    expect(ports.events.events).toEqual([]);
  });
});

describe('unknown input', () => {
  it.each([
    ['an empty object', {}],
    ['null', null],
    ['a string', 'hello'],
    ['an unknown SES event type', { eventType: 'Teleport', mail: { messageId: 'm-1', destination: [] } }],
    [
      'an EventBridge event from another source',
      { 'detail-type': 'Order Completed', source: 'shop', detail: {} },
    ],
    [
      'an SNS message that is not JSON',
      { Type: 'Notification', Message: 'not json', Timestamp: '2026-11-02T10:00:00Z' },
    ],
  ])('ignores %s with a reason and changes nothing', async (_name, input) => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    const report = await handleFeedback(input, ports);

    // Assess
    expect(report.ignored).toHaveLength(1);
    expect(report.ignored[0]).toEqual(expect.any(String));
    expect(report.statuses).toEqual([]);
    expect(ports.events.events).toEqual([]);
  });

  it('reads a record wrapped in an SNS notification (as delivered to SQS)', async () => {
    // Prepare
    const ports = feedbackPorts();

    // Act
    await handleFeedback(snsNotification(await fixture('ses-sns-bounce.json')), ports);

    // Assess
    expect(await ports.policyStore.suppressed([BOUNCED])).toEqual([[BOUNCED, 'hard_bounce']]);
  });
});

describe('failures', () => {
  it('throws when the policy store fails, so the record is retried', async () => {
    // Prepare
    const ports = feedbackPorts();
    ports.policyStore.suppress = async () => {
      throw new Error('DynamoDB unavailable');
    };

    // Act
    const attempt = handleFeedback(await fixture('ses-sns-bounce.json'), ports);

    // Assess
    await expect(attempt).rejects.toThrow('DynamoDB unavailable');
  });
});
