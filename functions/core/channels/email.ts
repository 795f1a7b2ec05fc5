import * as z from 'zod';
import { maskContent, maskEmail } from '../diagnostics/mask.ts';
import { isSesRecord, mapSesRecord, SES_CUSTOMER_EVENTS } from '../feedback/ses.ts';
import { type ChannelDescriptor, Liquid } from './kind.ts';

export const EmailParts = z.lazy(() =>
  z
    .strictObject({
      subject: Liquid.describe('The subject line.'),
      html: Liquid.describe('The HTML body. Output is HTML-escaped; use `| raw` for trusted markup.'),
      text: Liquid.describe('The plain-text body, sent alongside the HTML.'),
    })
    .describe('An email: subject, HTML and text.'),
);

export type EmailContent = { subject: string; html: string; text: string };

/** An email goes to one address; `unsubscribeUrl` backs the RFC 8058 List-Unsubscribe headers. */
export type EmailEnvelope = { to: string; unsubscribeUrl: string };

/** Email: SES v2 (functions/adapters/ses/), to the profile's address. */
export const email: ChannelDescriptor<
  'email',
  typeof EmailParts,
  EmailContent,
  { to: string },
  EmailEnvelope
> = {
  channel: 'email',
  inWords: 'email',
  address: (profile) => profile.email,
  reach: (profile) =>
    profile.email === undefined
      ? { ok: false, reason: 'missing_address' }
      : { ok: true, recipient: { to: profile.email } },
  consent: { marketing: 'opt-out', transactional: 'none' },
  parts: EmailParts,
  liquidParts: (parts) => [
    { path: ['subject'], liquid: parts.subject, engine: 'text' },
    { path: ['html'], liquid: parts.html, engine: 'html' },
    { path: ['text'], liquid: parts.text, engine: 'text' },
  ],
  render: (parts, renderer) => ({
    subject: renderer.text('subject', parts.subject).trim(),
    html: renderer.html('html', parts.html),
    text: renderer.text('text', parts.text),
  }),
  preview: (content) => [
    `Subject: ${content.subject}`,
    '--- html ---',
    content.html.trimEnd(),
    '--- text ---',
    content.text.trimEnd(),
  ],
  envelope: (recipient, links) => ({ to: recipient.to, unsubscribeUrl: links.unsubscribeUrl() }),
  // A subject is personal data too: templates put the first name in it ("Welcome to Example Roasters, Maya").
  summary: (content, envelope, pii) =>
    pii === 'shown'
      ? { to: envelope.to, text: content.subject }
      : { to: maskEmail(envelope.to), text: maskContent(content.subject, 'subject') },
  feedback: {
    eventSources: ['aws.ses'],
    records: [{ matches: isSesRecord, map: mapSesRecord }],
    customerEvents: SES_CUSTOMER_EVENTS,
    // SES subscription management names one customer's topics (and carries Cairn's ids in its tags).
    optOut: 'consent-event',
  },
};
