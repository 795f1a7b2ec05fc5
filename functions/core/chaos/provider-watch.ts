import type { ChannelPort, OutboundMessage } from '../ports/channel.ts';

const EXAMPLES = 5;

/**
 * Which message this is, for comparing two runs: the journey, customer, step and visit, channel, recipient and
 * template. The enrollment's part of the message id is left out: it names the trigger event, and when two
 * events could each start one enrollment (two products added to one cart) the one that arrives first does, so
 * a reordered arrival gives the same message another id. Content and times are left out too: a fault may
 * delay a message, never change which one it is.
 */
export function messageKey(message: OutboundMessage): string {
  const { intent } = message;
  const recipient =
    message.channel === 'push'
      ? message.devices
          .map((d) => d.token)
          .sort()
          .join(',')
      : message.to;
  const stepVisit = intent.messageId.slice(intent.enrollmentId.length + 1);
  return `${intent.journeyId} ${intent.userId} ${stepVisit} ${message.channel} ${recipient} ${intent.template}`;
}

/**
 * The provider's side of a run: how many times it accepted each message (by key), and each message id (the
 * idempotency key) it accepted more than once. Only keys and ids are kept, never content, so memory grows with
 * the messages of a run, not with its inputs.
 */
export class ProviderWatch {
  private readonly byId = new Map<string, number>();
  private readonly byKey = new Map<string, number>();
  private readonly withheldByKey = new Map<string, number>();
  /** Extra times the provider accepted a message id it had accepted before. */
  duplicates = 0;
  /** The first few message ids accepted more than once, for a person to look into. */
  readonly duplicateIds: string[] = [];

  /** The provider `channel`, watched: every message it accepts is counted here. */
  readonly watch = (channel: ChannelPort): ChannelPort => ({
    send: async (message) => {
      const result = await channel.send(message);
      if (result.ok) this.accept(message);
      return result;
    },
  });

  accept(message: OutboundMessage): void {
    const id = `${message.intent.messageId} ${message.channel}`;
    const times = (this.byId.get(id) ?? 0) + 1;
    this.byId.set(id, times);
    add(this.byKey, messageKey(message));
    if (times === 1) return;
    this.duplicates++;
    if (this.duplicateIds.length < EXAMPLES) this.duplicateIds.push(id);
  }

  /**
   * A message claimed in the send ledger, whose process then died before the provider call: the ledger reports
   * it UNKNOWN and, a marketing message, never sends it again (at most once; docs/runtime.md, `deliver`).
   */
  withhold(message: OutboundMessage): void {
    add(this.withheldByKey, messageKey(message));
  }

  times(key: string): number {
    return this.byKey.get(key) ?? 0;
  }

  withheld(key: string): number {
    return this.withheldByKey.get(key) ?? 0;
  }

  keys(): IterableIterator<[string, number]> {
    return this.byKey.entries();
  }

  /** How many messages the provider accepted, each once. */
  get size(): number {
    return this.byId.size;
  }
}

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** How a run with faults compares to the fault-free run of the same population. */
export type SendComparison = {
  /** Messages sent without faults, and with (each once). */
  expected: number;
  sent: number;
  /** Extra times the provider was handed a message id it already had. */
  duplicates: number;
  /** Sent without faults, not with, and not withheld: gone without a trace. */
  lost: number;
  /** Sent without faults, not with, because a crash after the claim left it UNKNOWN (see ProviderWatch.withhold). */
  withheld: number;
  /** Sent with faults and not without: a decision the faults changed. */
  extra: number;
  /** A few of each, for a person to look into. */
  examples: { duplicates: string[]; lost: string[]; extra: string[] };
};

/** Compares the provider's messages of a run with faults (`chaos`) to those of the fault-free run (`expected`). */
export function compareSends(expected: ProviderWatch, chaos: ProviderWatch): SendComparison {
  const lost: string[] = [];
  let lostCount = 0;
  let withheld = 0;
  for (const [key, times] of expected.keys()) {
    const missing = times - chaos.times(key);
    if (missing <= 0) continue;
    const explained = Math.min(missing, chaos.withheld(key));
    withheld += explained;
    lostCount += missing - explained;
    if (missing > explained && lost.length < EXAMPLES) lost.push(key);
  }
  const extra: string[] = [];
  let extraCount = 0;
  for (const [key, times] of chaos.keys()) {
    const more = times - expected.times(key);
    if (more <= 0) continue;
    extraCount += more;
    if (extra.length < EXAMPLES) extra.push(key);
  }
  return {
    expected: expected.size,
    sent: chaos.size,
    duplicates: chaos.duplicates,
    lost: lostCount,
    withheld,
    extra: extraCount,
    examples: { duplicates: chaos.duplicateIds, lost, extra },
  };
}
