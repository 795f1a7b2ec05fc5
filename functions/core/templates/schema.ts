import * as z from 'zod';
import type { Channel } from '../journeys/schema.ts';

/** Liquid source. Empty parts are refused when the file is read, so a blank can only come from data. */
const Liquid = z.string().min(1, 'must not be empty');

export const EmailParts = z
  .strictObject({
    subject: Liquid.describe('The subject line.'),
    html: Liquid.describe('The HTML body. Output is HTML-escaped; use `| raw` for trusted markup.'),
    text: Liquid.describe('The plain-text body, sent alongside the HTML.'),
  })
  .describe('An email: subject, HTML and text.');
export type EmailParts = z.infer<typeof EmailParts>;

export const SmsParts = z.strictObject({ body: Liquid }).describe('An SMS: its body.');
export type SmsParts = z.infer<typeof SmsParts>;

export const PushParts = z
  .strictObject({
    title: Liquid,
    body: Liquid,
    url: Liquid.optional().describe('A deep link (myapp://...) or web URL opened on tap.'),
    imageUrl: Liquid.optional().describe('An image shown in the notification.'),
    data: z.record(z.string().min(1), Liquid).optional().describe('Key-value data passed to the app.'),
  })
  .describe('A push notification.');
export type PushParts = z.infer<typeof PushParts>;

const channelParts = {
  email: EmailParts.optional(),
  sms: SmsParts.optional(),
  push: PushParts.optional(),
};

export const TemplateVariant = z.strictObject(channelParts);
export type TemplateVariant = z.infer<typeof TemplateVariant>;

/** A BCP 47 language tag as profiles carry them: `fr`, `fr-CA`, `zh-Hant-TW`. */
export const LocaleTag = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a locale such as "fr" or "fr-CA"');

/**
 * One file per template in journeys/templates/, named after the template id. The top-level channel parts are
 * the default content; `locales` holds variants for other languages, each replacing whole channels.
 */
export const TemplateFile = z.strictObject({
  description: z.string().optional(),
  ...channelParts,
  locales: z
    .record(LocaleTag, TemplateVariant)
    .optional()
    .describe(
      'Per-locale variants; a channel missing from a variant falls back (fr-CA, then fr, then default).',
    ),
});
export type TemplateFile = z.infer<typeof TemplateFile>;

/** The part names of each channel, in the order they are printed and checked. */
export const PART_NAMES = {
  email: ['subject', 'html', 'text'],
  sms: ['body'],
  push: ['title', 'body', 'url', 'imageUrl'],
} as const satisfies Record<Channel, readonly string[]>;
