import * as z from 'zod';
import { maskContent } from '../diagnostics/mask.ts';
import { PUSH_CUSTOMER_EVENTS } from '../feedback/push.ts';
import type { PushDevice } from '../profile/profile.ts';
import { type ChannelDescriptor, Liquid } from './kind.ts';

export const PushParts = z.lazy(() =>
  z
    .strictObject({
      title: Liquid,
      body: Liquid,
      url: Liquid.optional().describe('A deep link (myapp://...) or web URL opened on tap.'),
      imageUrl: Liquid.optional().describe('An image shown in the notification.'),
      data: z.record(z.string().min(1), Liquid).optional().describe('Key-value data passed to the app.'),
    })
    .describe('A push notification.'),
);

export type PushContent = {
  title: string;
  body: string;
  url?: string;
  imageUrl?: string;
  data?: Record<string, string>;
};

/** A push notification goes to every active device of the customer. */
export type PushEnvelope = { devices: PushDevice[] };

/** The parts other than `data`, in the order of the file. */
const NAMED_PARTS = ['title', 'body', 'url', 'imageUrl'] as const;

/** Push: Pinpoint `SendMessages` (functions/adapters/push/), to the profile's active devices. */
export const push: ChannelDescriptor<'push', typeof PushParts, PushContent, PushEnvelope, PushEnvelope> = {
  channel: 'push',
  inWords: 'push notifications',
  // A suppression list names addresses; devices are switched off one by one instead (inactive_device).
  address: () => undefined,
  reach: (profile) => {
    if (profile.devices.length === 0) return { ok: false, reason: 'missing_address' };
    const devices = profile.devices.filter((d) => d.active);
    return devices.length === 0
      ? { ok: false, reason: 'inactive_device' }
      : { ok: true, recipient: { devices } };
  },
  consent: { marketing: 'opt-in', transactional: 'opt-out' },
  parts: PushParts,
  liquidParts: (parts) => [
    ...NAMED_PARTS.flatMap((key) => {
      const liquid = parts[key];
      return liquid === undefined ? [] : [{ path: [key], liquid, engine: 'text' as const }];
    }),
    ...Object.entries(parts.data ?? {}).map(([key, liquid]) => ({
      path: ['data', key],
      liquid,
      engine: 'text' as const,
    })),
  ],
  render: (parts, renderer) => {
    // Rendered in the order of the file, so a failure names the first broken part.
    const content: PushContent = {
      title: renderer.text('title', parts.title).trim(),
      body: renderer.text('body', parts.body).trim(),
    };
    const link = renderer.url('url', parts.url);
    const imageUrl = renderer.url('imageUrl', parts.imageUrl);
    if (link !== undefined) content.url = link;
    if (imageUrl !== undefined) content.imageUrl = imageUrl;
    if (parts.data)
      content.data = Object.fromEntries(
        Object.entries(parts.data).map(([k, v]) => [k, renderer.text(`data.${k}`, v).trim()]),
      );
    return content;
  },
  preview: (content) => [
    `Title: ${content.title}`,
    `Body: ${content.body}`,
    ...(content.url === undefined ? [] : [`URL: ${content.url}`]),
    ...(content.imageUrl === undefined ? [] : [`Image: ${content.imageUrl}`]),
    ...(content.data === undefined ? [] : [`Data: ${JSON.stringify(content.data)}`]),
  ],
  envelope: (recipient) => ({ devices: recipient.devices }),
  // The devices' platforms, never their tokens (a token identifies a phone); the title can carry a name.
  summary: (content, envelope, pii) => ({
    to: envelope.devices.map((d) => d.platform).join('+'),
    text: pii === 'shown' ? content.title : maskContent(content.title, 'title'),
  }),
  feedback: {
    // Push results come in the response to the send: the adapter maps them (feedback/push.ts, mapPushResults).
    eventSources: [],
    records: [],
    customerEvents: PUSH_CUSTOMER_EVENTS,
    // No provider reports a push opt-out today (Pinpoint's OPT_OUT status deactivates the token instead); one
    // would be a consent change of the customer it names.
    optOut: 'consent-event',
  },
};
