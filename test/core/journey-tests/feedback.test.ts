import { describe, expect, it } from 'vitest';
import type { SendIntent } from '../../../functions/core/engine/state.ts';
import { parseFeedback } from '../../../functions/core/feedback/parse.ts';
import { engagementRecord, type HandedMessage } from '../../../functions/core/journey-tests/feedback.ts';
import type { Engaged } from '../../../functions/core/journeys/schema-parts.ts';
import { smsSize } from '../../../functions/core/templates/sms.ts';

const AT = Date.parse('2026-11-02T10:30:00Z');

const INTENT: SendIntent = {
  messageId: 'cart:kim:abc:remind:2',
  userId: 'kim',
  journeyId: 'cart-abandonment',
  journeyVersion: 'v1',
  enrollmentId: 'cart:kim:abc',
  stepId: 'remind',
  channels: ['sms', 'email'],
  template: 'cart-reminder',
  priority: 'normal',
  category: 'marketing',
  tags: [],
  at: AT,
};

const content = { templateId: 'cart-reminder', locale: 'default' };
const SMS: HandedMessage = {
  message: {
    channel: 'sms',
    intent: INTENT,
    to: '+447911123456',
    content: { ...content, channel: 'sms', body: 'Your cart', ...smsSize('Your cart') },
  },
  providerMessageId: 'sms-1',
};
const EMAIL: HandedMessage = {
  message: {
    channel: 'email',
    intent: INTENT,
    to: 'kim@example.com',
    unsubscribeUrl: 'https://unsubscribe.invalid/x',
    content: {
      ...content,
      channel: 'email',
      subject: 'Your cart',
      html: '<p>Your cart</p>',
      text: 'Your cart',
    },
  },
  providerMessageId: 'ses-1',
};

/** The customer events the provider parsers make of the record engagementRecord built. */
function eventsOf(handed: HandedMessage, engaged: Engaged) {
  const made = engagementRecord(handed, engaged, AT);
  if ('problem' in made) throw new Error(made.problem);
  return parseFeedback(made.record, AT).outcomes.flatMap((o) =>
    o.kind === 'customer-event' ? [o.event] : [],
  );
}

describe('engagementRecord: the provider records a journey test feeds in', () => {
  it.each([
    ['delivered', 'Email Delivered'],
    ['opened', 'Email Opened'],
    ['clicked', 'Email Link Clicked'],
    ['bounced', 'Email Bounced'],
  ] as const)(
    'makes an SES record that the SES parser reads as %s, with the message ids',
    (engaged, name) => {
      // Act
      const events = eventsOf(EMAIL, engaged);

      // Assess
      expect(events).toMatchObject([
        {
          'detail-type': name,
          source: 'cairn.feedback',
          detail: {
            userId: 'kim',
            properties: {
              journeyId: 'cart-abandonment',
              stepId: 'remind',
              messageId: 'cart:kim:abc:remind:2',
            },
          },
        },
      ]);
    },
  );

  it.each([
    ['delivered', 'SMS Delivered'],
    ['bounced', 'SMS Failed'],
  ] as const)('makes an SMS event that the SMS parser reads as %s', (engaged, name) => {
    // Act
    const events = eventsOf(SMS, engaged);

    // Assess
    expect(events.map((e) => [e['detail-type'], e.detail.properties.messageId])).toEqual([
      [name, 'cart:kim:abc:remind:2'],
    ]);
  });

  it('says why an SMS cannot be opened or clicked', () => {
    // Act
    const made = engagementRecord(SMS, 'opened', AT);

    // Assess
    expect(made).toEqual({ problem: 'an SMS cannot be opened: SMS has no opens or clicks' });
  });
});
