import * as z from 'zod';
import { maskContent, maskPhone } from '../diagnostics/mask.ts';
import {
  isInboundSms,
  isSmsEvent,
  mapInboundSms,
  mapSmsEvent,
  SMS_CUSTOMER_EVENTS,
} from '../feedback/sms.ts';
import { type SmsSize, smsSize } from '../templates/sms.ts';
import { type ChannelDescriptor, Liquid } from './kind.ts';

export const SmsParts = z.lazy(() => z.strictObject({ body: Liquid }).describe('An SMS: its body.'));

/** The body, and its size as carriers count it: `units` are septets (GSM-7) or UTF-16 code units (UCS-2). */
export type SmsContent = { body: string } & SmsSize;

/** An SMS goes to one E.164 number. */
export type SmsEnvelope = { to: string };

/** SMS: AWS End User Messaging SMS (functions/adapters/sms/), to the profile's phone number. */
export const sms: ChannelDescriptor<'sms', typeof SmsParts, SmsContent, SmsEnvelope, SmsEnvelope> = {
  channel: 'sms',
  inWords: 'text messages',
  address: (profile) => profile.phone,
  reach: (profile) =>
    profile.phone === undefined
      ? { ok: false, reason: 'missing_address' }
      : { ok: true, recipient: { to: profile.phone } },
  consent: { marketing: 'opt-in', transactional: 'opt-out' },
  parts: SmsParts,
  liquidParts: (parts) => [{ path: ['body'], liquid: parts.body, engine: 'text' }],
  render: (parts, renderer) => {
    const body = renderer.text('body', parts.body).trim();
    const size = smsSize(body);
    if (size.segments > renderer.maxSmsSegments)
      renderer.fail(
        'sms-too-long',
        'body',
        `${size.segments} ${size.encoding} segments (${size.units} units), at most ${renderer.maxSmsSegments} allowed`,
      );
    return { body, ...size };
  },
  preview: (content, limits) => {
    const units = content.encoding === 'GSM-7' ? 'septets' : 'UTF-16 code units';
    return [
      content.body,
      `--- ${content.encoding}, ${content.units} ${units}, ${content.segments} segment(s) (at most ${limits.maxSmsSegments}) ---`,
    ];
  },
  envelope: (recipient) => ({ to: recipient.to }),
  summary: (content, envelope, pii) =>
    pii === 'shown'
      ? { to: envelope.to, text: content.body }
      : { to: maskPhone(envelope.to), text: maskContent(content.body, 'body') },
  feedback: {
    eventSources: ['aws.sms-voice'],
    records: [
      { matches: isSmsEvent, map: (record) => mapSmsEvent(record) },
      { matches: isInboundSms, map: mapInboundSms },
    ],
    customerEvents: SMS_CUSTOMER_EVENTS,
    // A STOP reply names a number, not a customer, and carriers apply it to the number whoever holds it.
    optOut: 'suppress-address',
  },
};
