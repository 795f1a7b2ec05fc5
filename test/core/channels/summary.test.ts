import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../functions/core/channels/index.ts';
import { servedLine } from '../../../functions/local/report.ts';
import type { SentMessage } from '../../../functions/local/stack.ts';

const device = { token: 'tok-secret-1', platform: 'FCM' as const, lastSeenAt: 0, active: true };

describe('a message in one line (npm start, --serve)', () => {
  it('masks the address and the content of each channel, and shows them when asked', () => {
    // Prepare
    const email = { subject: 'Welcome to Example Roasters, Maya', html: '<p>Hi</p>', text: 'Hi' };
    const sms = { body: 'Maya, your cart is waiting', encoding: 'GSM-7' as const, units: 26, segments: 1 };
    const push = { title: 'Maya, still thinking it over?', body: 'Your grinder is waiting' };

    // Act
    const masked = [
      CHANNELS.email.summary(email, { to: 'maya@example.com', unsubscribeUrl: 'https://u.test/x' }, 'masked'),
      CHANNELS.sms.summary(sms, { to: '+447700900123' }, 'masked'),
      CHANNELS.push.summary(push, { devices: [device] }, 'masked'),
    ];
    const shown = CHANNELS.sms.summary(sms, { to: '+447700900123' }, 'shown');

    // Assess
    expect(masked).toEqual([
      { to: 'm***@example.com', text: '[subject: 33 chars]' },
      { to: '+44*******123', text: '[body: 26 chars]' },
      { to: 'FCM', text: '[title: 29 chars]' },
    ]);
    expect(JSON.stringify(masked)).not.toMatch(/Maya|tok-secret/);
    expect(shown).toEqual({ to: '+447700900123', text: 'Maya, your cart is waiting' });
  });

  it('prints a served message masked unless --show-pii', () => {
    // Prepare
    const message: SentMessage = {
      at: Date.parse('2026-11-02T10:30:00Z'),
      channel: 'sms',
      userId: 'usr_1',
      journeyId: 'cart-abandonment',
      to: '+447700900123',
      summary: 'Maya, your cart is waiting',
      masked: { to: '+44*******123', text: '[body: 26 chars]' },
      result: 'recorded-1',
    };

    // Act and Assess
    expect(servedLine(message, 'masked')).toBe(
      '2026-11-02T10:30:00.000Z sms to +44*******123 (cart-abandonment): [body: 26 chars]',
    );
    expect(servedLine(message, 'shown')).toBe(
      '2026-11-02T10:30:00.000Z sms to +447700900123 (cart-abandonment): Maya, your cart is waiting',
    );
  });
});
