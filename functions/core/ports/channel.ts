import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import type { Profile } from '../profile/profile.ts';

export type ChannelResult =
  | { ok: true; providerMessageId: string }
  /**
   * The provider refused the message. `permanent`: it will refuse it again (an invalid address, a rejected
   * template), so it is not retried; otherwise the provider was unavailable or throttled.
   */
  | { ok: false; permanent: boolean; reason: string };

/**
 * Hands one message to a delivery channel (SES v2, End User Messaging SMS, Pinpoint push). Called after the
 * delivery policies passed and the message was claimed in the send ledger, so at most once per message.
 * Throwing means the outcome is unknown (the call may or may not have reached the provider).
 */
export interface ChannelPort {
  send(intent: SendIntent, channel: Channel, profile: Profile): Promise<ChannelResult>;
}
