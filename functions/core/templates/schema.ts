import * as z from 'zod';
import { CHANNELS, type PartsSchemaOf, perChannel } from '../channels/index.ts';
import type { Channel } from '../journeys/schema-parts.ts';

type ChannelPartsShape = { [C in Channel]: z.ZodOptional<PartsSchemaOf<C>> };

/** A channel's part of a template, optional: the schema its descriptor gives (functions/core/channels/). */
function optionalParts<C extends Channel>(channel: C): z.ZodOptional<PartsSchemaOf<C>> {
  return z.optional(CHANNELS[channel].parts);
}

// TypeScript types a loop over the channels with their union, not each key with its own channel's schema,
// which optionalParts has checked: the cast says what perChannel built.
const channelParts = perChannel(optionalParts) as ChannelPartsShape;

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
