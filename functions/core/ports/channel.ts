import type { SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { Channel } from '../journeys/schema.ts';
import type { PushDevice } from '../profile/profile.ts';
import type { RenderedEmail, RenderedPush, RenderedSms } from '../templates/render.ts';

/** What every outbound message carries besides its content: the intent it fulfils, for ids and tags. */
type Outbound<C extends Channel, Content> = {
  channel: C;
  intent: SendIntent;
  content: Content & { templateId: string; locale: string };
};

/** An email, rendered, to one address; `unsubscribeUrl` backs the RFC 8058 List-Unsubscribe headers. */
export type EmailMessage = Outbound<'email', RenderedEmail> & { to: string; unsubscribeUrl: string };
/** An SMS, rendered, to one E.164 number. */
export type SmsMessage = Outbound<'sms', RenderedSms> & { to: string };
/** A push notification, rendered, to every active device of the customer. */
export type PushMessage = Outbound<'push', RenderedPush> & { devices: PushDevice[] };

export type OutboundMessage = EmailMessage | SmsMessage | PushMessage;

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
export interface ChannelAdapter<M extends OutboundMessage> {
  send(message: M): Promise<ChannelResult>;
}

export type ChannelAdapters = {
  email?: ChannelAdapter<EmailMessage>;
  sms?: ChannelAdapter<SmsMessage>;
  push?: ChannelAdapter<PushMessage>;
};

/**
 * One port over the adapters of an environment. A channel without an adapter refuses permanently, with a
 * reason that says so, instead of dropping the message.
 */
export function channelRouter(adapters: ChannelAdapters): ChannelPort {
  const missing = (channel: Channel): ChannelResult => ({
    ok: false,
    permanent: true,
    reason: `channel-not-configured: no ${channel} adapter in this environment`,
  });
  return {
    send(message) {
      switch (message.channel) {
        case 'email':
          return adapters.email ? adapters.email.send(message) : Promise.resolve(missing('email'));
        case 'sms':
          return adapters.sms ? adapters.sms.send(message) : Promise.resolve(missing('sms'));
        case 'push':
          return adapters.push ? adapters.push.send(message) : Promise.resolve(missing('push'));
        default:
          return unreachable(message);
      }
    },
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
