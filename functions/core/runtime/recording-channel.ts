import type { ChannelPort, ChannelResult, OutboundMessage } from '../ports/channel.ts';

export type RecordedSend = { message: OutboundMessage; providerMessageId: string };

/**
 * A channel that sends nothing and records each message it is handed, rendered: the simulator's and the
 * tests' stand-in for a provider. `answer` lets a test make the provider refuse or fail a message.
 */
export class RecordingChannel implements ChannelPort {
  readonly sent: RecordedSend[] = [];

  constructor(
    private readonly answer?: (message: OutboundMessage) => ChannelResult | Promise<ChannelResult>,
  ) {}

  async send(message: OutboundMessage): Promise<ChannelResult> {
    const result = (await this.answer?.(message)) ?? {
      ok: true,
      providerMessageId: `recorded-${this.sent.length + 1}`,
    };
    if (result.ok) this.sent.push({ message, providerMessageId: result.providerMessageId });
    return result;
  }
}
