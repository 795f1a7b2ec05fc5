import type { ChannelPort, ChannelResult, OutboundMessage } from '../ports/channel.ts';

export type RecordedSend = { message: OutboundMessage; providerMessageId: string };

/**
 * A channel that sends nothing and records each message it is handed, rendered: the simulator's and the
 * tests' stand-in for a provider. `answer` lets a test make the provider refuse or fail a message.
 */
export class RecordingChannel implements ChannelPort {
  readonly sent: RecordedSend[] = [];
  private accepted = 0;

  constructor(
    private readonly answer?: (message: OutboundMessage) => ChannelResult | Promise<ChannelResult>,
    /** `keep: false` records nothing (a long run that counts messages elsewhere); kept by default. */
    private readonly options: { keep: boolean } = { keep: true },
  ) {}

  async send(message: OutboundMessage): Promise<ChannelResult> {
    const result = (await this.answer?.(message)) ?? {
      ok: true,
      providerMessageId: `recorded-${this.accepted + 1}`,
    };
    if (!result.ok) return result;
    this.accepted++;
    if (this.options.keep) this.sent.push({ message, providerMessageId: result.providerMessageId });
    return result;
  }
}
