import type { MessageSummary } from '../core/channels/kind.ts';
import { type ChannelPort, type OutboundMessage, summaryOf } from '../core/ports/channel.ts';

/** A message handed to a channel, at the stack's time, as the report lists it. */
export type SentMessage = {
  at: number;
  channel: OutboundMessage['channel'];
  userId: string;
  journeyId: string;
  to: string;
  /** The subject, or the SMS body, or the push title. */
  summary: string;
  /** `to` and `summary` masked (the channel's descriptor says how): what the console shows by default. */
  masked: MessageSummary;
  /** The provider's answer: its message id, or why it refused. */
  result: string;
};

/**
 * How many of the latest messages, dead letters and recorded SMS and push a serving stack keeps for its report
 * (`--serve`): a stack that runs for days keeps counters and these, so that its memory does not grow with
 * every event (docs/runtime.md, "The local stack under load"). A replay keeps everything, for its result.
 */
export const SERVE_KEEP_LATEST = 200;

/** Drops the oldest items of `list` beyond the latest `keep`; `undefined` keeps all. */
export function keepLatest<T>(list: T[], keep: number | undefined): void {
  if (keep !== undefined && list.length > keep) list.splice(0, list.length - keep);
}

/** Every message handed to a channel: the latest ones (or all), how many in all, and who listens. */
export class SentLog {
  readonly latest: SentMessage[] = [];
  total = 0;
  private readonly listeners = new Set<(message: SentMessage) => void>();

  constructor(private readonly keep: number | undefined) {}

  add(message: SentMessage): void {
    this.total++;
    this.latest.push(message);
    keepLatest(this.latest, this.keep);
    for (const listener of this.listeners) listener(message);
  }

  /** Hears of every message from now on; returns how to stop. */
  listen(listener: (message: SentMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The channel, recording what it was handed and what the provider answered. */
export function observedChannel(inner: ChannelPort, now: () => number, log: SentLog): ChannelPort {
  return {
    async send(message) {
      const result = await inner.send(message);
      const shown = summaryOf(message, 'shown');
      log.add({
        at: now(),
        channel: message.channel,
        userId: message.intent.userId,
        journeyId: message.intent.journeyId,
        to: shown.to,
        summary: shown.text,
        masked: summaryOf(message, 'masked'),
        result: result.ok ? result.providerMessageId : `refused: ${result.reason}`,
      });
      return result;
    },
  };
}
