import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FEEDBACK_TAGS, type MessageIds } from '../../../functions/core/feedback/outcome.ts';
import { parseFeedback } from '../../../functions/core/feedback/parse.ts';
import { mapPushResults } from '../../../functions/core/feedback/push.ts';
import { encodeTagValue } from '../../../functions/core/feedback/tag-values.ts';

const NOW = Date.parse('2026-11-01T12:00:00Z');
const MID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';
const IDS: MessageIds = {
  userId: 'usr_1001',
  journeyId: 'cart-abandonment',
  stepId: 'remind',
  messageId: 'msg_42',
};

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(`test/fixtures/feedback/${name}`, 'utf8'));
}

/** The record with Cairn's tags added, as the email adapter sets them. */
async function tagged(name: string): Promise<Record<string, unknown>> {
  const record = await fixture(name);
  const mail = record.mail;
  if (typeof mail !== 'object' || mail === null) throw new Error('no mail');
  const tags = {
    [FEEDBACK_TAGS.userId]: [IDS.userId],
    [FEEDBACK_TAGS.journeyId]: [IDS.journeyId],
    [FEEDBACK_TAGS.stepId]: [IDS.stepId],
    [FEEDBACK_TAGS.messageId]: [IDS.messageId],
  };
  return { ...record, mail: { ...mail, tags: { ...('tags' in mail ? Object(mail.tags) : {}), ...tags } } };
}

function kinds(outcomes: readonly { kind: string }[]): string[] {
  return outcomes.map((o) => o.kind);
}

describe('SES event publishing records (AWS samples)', () => {
  it('reads back ids the email adapter had to encode into tag values', async () => {
    // Prepare: a message id with colons and a user id that is an email address, encoded as the adapter sends them.
    const record = await fixture('ses-sns-open.json');
    const mail = record.mail;
    if (typeof mail !== 'object' || mail === null) throw new Error('no mail');
    const ids = {
      userId: 'ana@example.com',
      journeyId: 'welcome-series',
      stepId: 'welcome-email',
      messageId: 'enr_1:welcome-email:0',
    };
    const tags = {
      [FEEDBACK_TAGS.userId]: [encodeTagValue(ids.userId)],
      [FEEDBACK_TAGS.journeyId]: [encodeTagValue(ids.journeyId)],
      [FEEDBACK_TAGS.stepId]: [encodeTagValue(ids.stepId)],
      [FEEDBACK_TAGS.messageId]: [encodeTagValue(ids.messageId)],
    };

    // Act
    const { outcomes } = parseFeedback({ ...record, mail: { ...mail, tags } }, NOW);

    // Assess
    const event = outcomes.find((o) => o.kind === 'customer-event');
    expect(event).toMatchObject({
      event: {
        'detail-type': 'Email Opened',
        detail: { userId: 'ana@example.com', properties: { messageId: 'enr_1:welcome-email:0' } },
      },
    });
  });

  it('Bounce: a permanent bounce marks the message bounced and suppresses the address', async () => {
    const { outcomes } = parseFeedback(await fixture('ses-sns-bounce.json'), NOW);

    expect(outcomes).toEqual([
      {
        kind: 'message-status',
        channel: 'email',
        providerMessageId: MID,
        status: 'bounced',
        at: Date.parse('2017-08-05T00:41:02.669Z'),
        detail: 'Permanent/General',
      },
      {
        kind: 'suppress',
        channel: 'email',
        address: 'recipient@example.com',
        reason: 'hard-bounce: Permanent/General',
        at: Date.parse('2017-08-05T00:41:02.669Z'),
      },
    ]);
  });

  it('Complaint: suppresses the complaining address', async () => {
    const { outcomes } = parseFeedback(await fixture('ses-sns-complaint.json'), NOW);

    expect(kinds(outcomes)).toEqual(['message-status', 'suppress']);
    expect(outcomes[1]).toMatchObject({ address: 'recipient@example.com', reason: 'complaint: abuse' });
  });

  it.each([
    ['ses-sns-delivery.json', 'delivered', Date.parse('2016-10-19T23:21:04.133Z')],
    ['ses-sns-send.json', 'sent', Date.parse('2016-10-14T05:02:16.645Z')],
    ['ses-sns-reject.json', 'rejected', Date.parse('2016-10-14T17:38:15.211Z')],
    ['ses-sns-open.json', 'opened', Date.parse('2017-08-09T22:00:19.652Z')],
    ['ses-sns-click.json', 'clicked', Date.parse('2017-08-09T23:51:25.570Z')],
    ['ses-sns-rendering-failure.json', 'render-failed', Date.parse('2018-01-22T18:43:06.197Z')],
    ['ses-sns-delivery-delay.json', 'delayed', Date.parse('2020-06-16T00:25:40.095Z')],
  ])('%s gives message status %s and no suppression', async (file, status, at) => {
    const { outcomes } = parseFeedback(await fixture(file), NOW);

    // The samples carry no Cairn tags, so there is no customer event to attribute.
    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'message-status',
        channel: 'email',
        providerMessageId: MID,
        status,
        at,
      }),
    ]);
  });

  it('Subscription: an unsubscribe-all opts the address out of email', async () => {
    const { outcomes } = parseFeedback(await fixture('ses-subscription-from-field-list.json'), NOW);

    expect(outcomes).toEqual([
      {
        kind: 'opt-out',
        channel: 'email',
        address: 'recipient@example.com',
        source: 'email-subscription',
        at: Date.parse('2022-01-12T01:00:17.910Z'),
      },
    ]);
  });
});

describe('customer events from tagged SES records', () => {
  it.each([
    ['ses-sns-delivery.json', 'Email Delivered', {}],
    ['ses-sns-open.json', 'Email Opened', {}],
    [
      'ses-sns-click.json',
      'Email Link Clicked',
      { url: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html' },
    ],
    ['ses-sns-bounce.json', 'Email Bounced', { bounceType: 'Permanent', hard: true }],
    ['ses-sns-complaint.json', 'Email Marked as Spam', {}],
  ])('%s gives "%s" with the journey, step and message ids', async (file, name, extra) => {
    const { outcomes } = parseFeedback(await tagged(file), NOW);

    const events = outcomes.flatMap((o) => (o.kind === 'customer-event' ? [o.event] : []));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: `${MID}:${name}`,
      source: 'cairn.feedback',
      'detail-type': name,
      detail: {
        userId: 'usr_1001',
        properties: { journeyId: 'cart-abandonment', stepId: 'remind', messageId: 'msg_42', ...extra },
      },
    });
    expect(outcomes[0]).toMatchObject({ kind: 'message-status', ids: IDS });
  });
});

describe('envelopes and formats', () => {
  it('reads an SES record from EventBridge detail', async () => {
    const { outcomes } = parseFeedback(await fixture('ses-eventbridge-bounce.json'), NOW);

    expect(kinds(outcomes)).toEqual(['message-status', 'suppress']);
  });

  it('reads an SES record from an SNS notification and from a Lambda SNS event', async () => {
    // Prepare
    const record = JSON.stringify(await fixture('ses-sns-complaint.json'));
    const sns = {
      Type: 'Notification',
      MessageId: 'm1',
      Message: record,
      Timestamp: '2017-08-05T00:41:03.000Z',
    };
    const lambda = { Records: [{ EventSource: 'aws:sns', Sns: { ...sns } }, { Sns: { ...sns } }] };

    // Act
    const fromSns = parseFeedback(sns, NOW);
    const fromLambda = parseFeedback(lambda, NOW);

    // Assess
    expect(kinds(fromSns.outcomes)).toEqual(['message-status', 'suppress']);
    expect(kinds(fromLambda.outcomes)).toEqual(['message-status', 'suppress', 'message-status', 'suppress']);
  });

  it('reads the notificationType format; a transient bounce does not suppress', async () => {
    const { outcomes } = parseFeedback(
      await fixture('ses-notification-transient-bounce-from-field-list.json'),
      NOW,
    );

    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'bounced', detail: 'Transient/MailboxFull' }),
    ]);
  });

  it('tolerates unknown fields anywhere', async () => {
    const record = await fixture('ses-sns-bounce.json');

    const { outcomes } = parseFeedback(
      { ...record, brandNewField: { x: 1 }, bounce: { ...Object(record.bounce), extra: true } },
      NOW,
    );

    expect(kinds(outcomes)).toEqual(['message-status', 'suppress']);
  });

  it('ignores an unknown event type, an unknown record and a non-JSON SNS message, with a reason', async () => {
    const record = await fixture('ses-sns-send.json');

    expect(parseFeedback({ ...record, eventType: 'Teleported' }, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'unknown SES event type "Teleported"' },
    ]);
    expect(parseFeedback({ hello: 'world' }, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'unknown feedback record' },
    ]);
    expect(parseFeedback({ Type: 'Notification', Message: '{oops', Timestamp: 'x' }, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'SNS message is not JSON' },
    ]);
    expect(parseFeedback(null, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'unknown feedback record' },
    ]);
  });
});

describe('End User Messaging SMS', () => {
  it('TEXT_SUCCESSFUL (AWS sample): accepted by the carrier is "sent"', async () => {
    const { outcomes } = parseFeedback(await fixture('sms-text-successful.json'), NOW);

    expect(outcomes).toEqual([
      {
        kind: 'message-status',
        channel: 'sms',
        providerMessageId: '862a8790-60c0-4430-9b2b-658bdexample',
        status: 'sent',
        at: 1686975103470,
        detail: 'Message has been accepted by phone carrier',
      },
    ]);
  });

  it('TEXT_DELIVERED from EventBridge with Cairn ids in context gives "SMS Delivered"', async () => {
    const { outcomes } = parseFeedback(await fixture('sms-eventbridge-delivered.json'), NOW);

    expect(kinds(outcomes)).toEqual(['message-status', 'customer-event']);
    expect(outcomes[1]).toMatchObject({
      event: {
        'detail-type': 'SMS Delivered',
        detail: { userId: 'usr_1001', properties: { messageId: 'msg_42' } },
      },
    });
  });

  it('a carrier opt-out opts the number out; an invalid number is suppressed', async () => {
    const base = await fixture('sms-text-successful.json');

    const optedOut = parseFeedback({ ...base, eventType: 'TEXT_OPTED_OUT' }, NOW).outcomes;
    const invalid = parseFeedback({ ...base, eventType: 'TEXT_INVALID' }, NOW).outcomes;

    expect(optedOut[1]).toEqual({
      kind: 'opt-out',
      channel: 'sms',
      address: '+14255550156',
      source: 'sms-carrier-opt-out',
      at: 1686975103470,
    });
    expect(invalid[1]).toMatchObject({ kind: 'suppress', channel: 'sms', reason: 'invalid-number' });
  });

  it('ignores intermediate and unknown SMS event types', async () => {
    const base = await fixture('sms-text-successful.json');

    expect(parseFeedback({ ...base, eventType: 'TEXT_PENDING' }, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'intermediate SMS status TEXT_PENDING' },
    ]);
    expect(parseFeedback({ ...base, eventType: 'TEXT_TELEPORTED' }, NOW).outcomes).toEqual([
      { kind: 'ignored', reason: 'unknown SMS event type "TEXT_TELEPORTED"' },
    ]);
  });

  it('an inbound STOP opts the sender out; the AWS sample reply (JOIN) does not', async () => {
    const inbound = await fixture('sms-two-way-inbound.json');

    const stop = parseFeedback({ ...inbound, messageBody: ' stop ' }, NOW).outcomes;
    const join = parseFeedback(inbound, NOW).outcomes;

    expect(stop).toEqual([
      { kind: 'opt-out', channel: 'sms', address: '+14255550182', source: 'sms-stop', at: NOW },
    ]);
    expect(join).toEqual([{ kind: 'ignored', reason: 'inbound SMS is not an opt-out keyword' }]);
  });
});

describe('push results', () => {
  it('writes back an updated token, deactivates a permanently failed one, and reports each device', async () => {
    const { outcomes } = mapPushResults(await fixture('push-send-messages-from-field-list.json'), IDS, NOW);

    expect(outcomes.filter((o) => o.kind !== 'customer-event')).toEqual([
      expect.objectContaining({
        kind: 'message-status',
        channel: 'push',
        status: 'delivered',
        providerMessageId: '0:1579180218311%example',
      }),
      { kind: 'token-updated', token: 'fcm-token-ok', updatedToken: 'fcm-token-refreshed' },
      expect.objectContaining({
        kind: 'message-status',
        status: 'failed',
        detail: 'PERMANENT_FAILURE: Unregistered',
      }),
      { kind: 'token-deactivated', token: 'apns-token-gone', reason: 'PERMANENT_FAILURE: Unregistered' },
      expect.objectContaining({
        kind: 'message-status',
        status: 'failed',
        detail: 'THROTTLED: TooManyRequests',
      }),
    ]);
    expect(outcomes.flatMap((o) => (o.kind === 'customer-event' ? [o.event['detail-type']] : []))).toEqual([
      'Push Delivered',
      'Push Failed',
      'Push Failed',
    ]);
  });
});
