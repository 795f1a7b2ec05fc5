import { CHANNELS, type EnvelopeOf } from '../channels/index.ts';
import type { MessageSummary } from '../channels/kind.ts';
import type { PiiDisplay } from '../diagnostics/mask.ts';
import type { SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import type { RenderedMessageOf } from '../templates/render.ts';

/**
 * An outbound message of each channel: the intent it fulfils (for ids and tags), the rendered content, and what
 * the channel's descriptor adds (functions/core/channels/: the address, the devices, the unsubscribe link).
 * Indexed by its own keys so that generic code relates each channel to its own message; `MessageOf<Channel>` is
 * the union over every channel.
 */
type MessageMap<K extends Channel> = {
  [C in K]: { channel: C; intent: SendIntent; content: RenderedMessageOf<C> } & EnvelopeOf<C>;
};
export type MessageOf<C extends Channel> = MessageMap<C>[C];

/** An email, rendered, to one address; `unsubscribeUrl` backs the RFC 8058 List-Unsubscribe headers. */
export type EmailMessage = MessageOf<'email'>;
/** An SMS, rendered, to one E.164 number. */
export type SmsMessage = MessageOf<'sms'>;
/** A push notification, rendered, to every active device of the customer. */
export type PushMessage = MessageOf<'push'>;

export type OutboundMessage = MessageOf<Channel>;

/** A push token the provider renamed (`UpdatedToken`) or refused for good; written back to the profile. */
export type DeviceChange =
  | { kind: 'updated'; token: string; updatedToken: string }
  | { kind: 'deactivated'; token: string; reason: string };

/**
 * What the provider said besides the answer: device tokens to write back, and what happened to the message
 * as customer events for journeys (`Push Delivered`, `Push Failed`), for a provider that answers in the
 * response rather than through feedback records. Both go back to ingest.
 */
export type ProviderNews = { deviceChanges?: DeviceChange[]; events?: CustomerEvent[] };

export type ChannelResult =
  | ({ ok: true; providerMessageId: string } & ProviderNews)
  /**
   * The provider refused the message. `permanent`: it will refuse it again (an invalid address, a rejected
   * template), so it is not retried; otherwise the provider stayed unavailable or throttled after the
   * adapter's own retries.
   */
  | ({ ok: false; permanent: boolean; reason: string } & ProviderNews);

/**
 * Hands one rendered message to a delivery channel (SES v2, End User Messaging SMS, Pinpoint push). Called
 * after the delivery policies passed and the message was claimed in the send ledger, so at most once per
 * message. Throwing means the outcome is unknown (the call may or may not have reached the provider).
 */
export interface ChannelPort {
  send(message: OutboundMessage): Promise<ChannelResult>;
}

/** One provider's adapter: it only ever receives messages of its own channel. */
export interface ChannelAdapter<M extends { channel: Channel }> {
  send(message: M): Promise<ChannelResult>;
}

/** The adapters of an environment, by channel; a channel left out has none. */
export type ChannelAdapters = { [C in Channel]?: ChannelAdapter<MessageOf<C>> };

/**
 * One port over the adapters of an environment. A channel without an adapter refuses permanently, with a
 * reason that says so, instead of dropping the message.
 */
export function channelRouter(adapters: ChannelAdapters): ChannelPort {
  return { send: (message) => sendOn(adapters, message.channel, message) };
}

function sendOn<C extends Channel>(
  adapters: ChannelAdapters,
  channel: C,
  message: MessageOf<C>,
): Promise<ChannelResult> {
  const adapter = adapters[channel];
  if (adapter) return adapter.send(message);
  return Promise.resolve({
    ok: false,
    permanent: true,
    reason: `channel-not-configured: no ${channel} adapter in this environment`,
  });
}

/** The message in one line for the console, by its channel's descriptor: masked unless `pii` is `shown`. */
export function summaryOf(message: OutboundMessage, pii: PiiDisplay): MessageSummary {
  return summarize(message.channel, message, pii);
}

function summarize<C extends Channel>(channel: C, message: MessageOf<C>, pii: PiiDisplay): MessageSummary {
  return CHANNELS[channel].summary(message.content, message, pii);
}
