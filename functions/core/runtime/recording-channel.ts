import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import type { ChannelPort, ChannelResult } from '../ports/channel.ts';
import type { Profile } from '../profile/profile.ts';

export type RecordedSend = { intent: SendIntent; channel: Channel; providerMessageId: string };

/**
 * Stands in for the real channels until they exist: records each message it is handed and sends nothing.
 * `answer` lets a test make the provider refuse or fail a message.
 */
export class RecordingChannel implements ChannelPort {
  readonly sent: RecordedSend[] = [];

  constructor(
    private readonly answer?: (
      intent: SendIntent,
      channel: Channel,
    ) => ChannelResult | Promise<ChannelResult>,
  ) {}

  async send(intent: SendIntent, channel: Channel, _profile: Profile): Promise<ChannelResult> {
    const result = (await this.answer?.(intent, channel)) ?? {
      ok: true,
      providerMessageId: `recorded-${this.sent.length + 1}`,
    };
    if (result.ok) this.sent.push({ intent, channel, providerMessageId: result.providerMessageId });
    return result;
  }
}
