import type { EventPublisher } from '../core/ports/event-publisher.ts';
import type { UnsubscribePorts } from '../core/runtime/unsubscribe.ts';
import type { UnsubscribeKeys } from '../core/unsubscribe/token.ts';

export type UnsubscribeComposition = {
  /** The signing keys: from Secrets Manager on AWS, made at start on the local stack. */
  keys: UnsubscribeKeys;
  /** The ingest queue, for the consent change. */
  events: EventPublisher;
  now: () => number;
};

/**
 * The ports of the unsubscribe endpoint: only the keys and the ingest queue. It reads no table and no journeys,
 * so that its cold start stays short and its role small; there is nothing else to build.
 */
export function composeUnsubscribePorts({ keys, events, now }: UnsubscribeComposition): UnsubscribePorts {
  return { keys, events, now };
}
