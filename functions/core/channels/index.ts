import type * as z from 'zod';
import { Channel } from '../journeys/enums.ts';
import { email } from './email.ts';
import type { ChannelDescriptor } from './kind.ts';
import { push } from './push.ts';
import { sms } from './sms.ts';

/**
 * The delivery channels, by name: the one table that the policies (reachability, consent defaults), the
 * templates (content schemas, static check, rendering), the composer, the channel port's message types and
 * router, the feedback parsing, `cairn render` and the unsubscribe page read.
 * Adding a channel is a module in this folder and a line here (see docs/architecture.md, "Channels").
 *
 * The names come from the journey language's `Channel` enum (journeys/enums.ts): `satisfies` refuses
 * a channel the enum lacks, and the typed table below one the enum has and this lacks.
 */
const DESCRIPTORS = { email, sms, push } satisfies Record<Channel, { readonly channel: Channel }>;

type Descriptors = typeof DESCRIPTORS;
/** The zod schema of a channel's part of a template file. */
export type PartsSchemaOf<C extends Channel> = Descriptors[C]['parts'];
type RecipientOf<C extends Channel> = Extract<ReturnType<Descriptors[C]['reach']>, { ok: true }>['recipient'];

/** A channel's part of a template file, parsed. */
export type PartsOf<C extends Channel> = z.output<PartsSchemaOf<C>>;
/** What rendering a channel's part gives, before the template id and locale are added. */
export type ContentOf<C extends Channel> = ReturnType<Descriptors[C]['render']>;
/** What a channel's outbound message carries besides intent and content. */
export type EnvelopeOf<C extends Channel> = ReturnType<Descriptors[C]['envelope']>;

/** The parts of every channel a template (or a locale variant) may have. */
export type ChannelParts = { [C in Channel]?: PartsOf<C> };

/**
 * The same table, typed so that TypeScript relates each entry to its own channel (a "correlated union"), and
 * so that each key is its descriptor's `channel`.
 */
export const CHANNELS: {
  readonly [C in Channel]: ChannelDescriptor<
    C,
    PartsSchemaOf<C>,
    ContentOf<C>,
    RecipientOf<C>,
    EnvelopeOf<C>
  >;
} = DESCRIPTORS;

/** Whether a string names a channel (rule references such as `quietHours.sms` carry the name as text). */
export function isChannel(name: unknown): name is Channel {
  return Channel.options.some((channel) => channel === name);
}

/** The same value made for every channel, keyed by channel, in the enum's order. */
export function perChannel<T>(make: (channel: Channel) => T): Record<Channel, T> {
  const values: Partial<Record<Channel, T>> = {};
  for (const channel of Channel.options) values[channel] = make(channel);
  // The loop set every key: TypeScript cannot see a loop complete a record.
  return values as Record<Channel, T>;
}
