import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskContent,
  maskEmail,
  maskingReplacer,
  maskPhone,
  maskText,
} from '../../../functions/core/diagnostics/mask.ts';

describe('masking personal data', () => {
  it('keeps the first character and the domain of an email address', () => {
    // Act and Assess
    expect(maskEmail('maya.tanaka@example.com')).toBe('m***@example.com');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('keeps the country code and the last three digits of a phone number', () => {
    // Act and Assess
    expect(maskPhone('+447700900123')).toBe('+44*******123');
    expect(maskPhone('+1 (555) 010-0199')).toBe('+1 (5**) ***-*199');
  });

  it('replaces message content by its length', () => {
    // Act and Assess
    expect(maskContent('Welcome to Example Roasters, Maya', 'subject')).toBe('[subject: 33 chars]');
  });

  it('masks the addresses in free text and keeps the rest', () => {
    // Prepare
    const text =
      'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: ana.silva@example.org, +5511987654321';

    // Act
    const masked = maskText(text);

    // Assess
    expect(masked).toBe(
      'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: a***@example.org, +55********321',
    );
  });

  it('leaves ids, ARNs, times and counts alone', () => {
    // Prepare
    const text =
      'usr_000001-signed-up arn:aws:sqs:eu-west-1:123456789012:cairn-ingest 2026-11-02T10:00:00.000Z 2026-11-02 10:00 after 4 attempts c1892a09-f33f-4e0c-ba80-48ad3df9723f';

    // Act and Assess
    expect(maskText(text)).toBe(text);
  });

  it('never lets an email address or an E.164 number through, wherever it is in the text', () => {
    // Prepare
    const email = fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{1,12}$/), fc.constantFrom('example.com', 'mail.example.org'))
      .map(([local, domain]) => `${local}@${domain}`);
    const phone = fc.stringMatching(/^\+[1-9]\d{8,13}$/);
    const around = fc.constantFrom('', ' ', 'to ', ': ', '<', '(', '"');

    // Act and Assess
    fc.assert(
      fc.property(around, fc.oneof(email, phone), around, (before, address, after) => {
        const masked = maskText(`${before}${address}${after.split('').reverse().join('')}`);
        expect(masked).not.toContain(address);
      }),
    );
  });

  it('masks every string of a log line, nested or not', () => {
    // Prepare
    const line = { message: 'refused', detail: { reason: 'bounce for a@example.com' }, count: 3 };

    // Act
    const json = JSON.stringify(line, maskingReplacer);

    // Assess
    expect(json).toBe('{"message":"refused","detail":{"reason":"bounce for a***@example.com"},"count":3}');
  });
});
