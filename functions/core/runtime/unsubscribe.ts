import { createHash } from 'node:crypto';
import type { CustomerEvent } from '../events/index.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { consentKey } from '../profile/consent.ts';
import {
  type UnsubscribeClaims,
  type UnsubscribeKeys,
  verifyUnsubscribeToken,
} from '../unsubscribe/token.ts';

/** The source of the consent events the unsubscribe endpoint publishes; recorded as the consent's source. */
export const UNSUBSCRIBE_SOURCE = 'cairn.unsubscribe';
/** The detail-type of every opt-out Cairn records on a customer's behalf (endpoint and provider feedback). */
export const UNSUBSCRIBED = 'Unsubscribed';

/**
 * How the request came: `one-click` is a mail client's RFC 8058 POST (`List-Unsubscribe=One-Click`), `form`
 * the button on Cairn's confirmation page (or any other POST carrying a valid token).
 */
export type UnsubscribeMethod = 'one-click' | 'form';

export type UnsubscribeRefusal = 'tampered' | 'malformed' | 'expired';

export type TokenCheck =
  | { status: 'valid'; token: string; claims: UnsubscribeClaims }
  | { status: 'refused'; reason: UnsubscribeRefusal; detail?: string; claims?: UnsubscribeClaims };

export type UnsubscribeResult =
  | {
      status: 'unsubscribed';
      claims: UnsubscribeClaims;
      /** The consent key that is now opted out: `email`, or `email:marketing` for one topic. */
      consentKey: string;
      event: CustomerEvent;
    }
  | Extract<TokenCheck, { status: 'refused' }>;

export type UnsubscribePorts = {
  keys: UnsubscribeKeys;
  events: EventPublisher;
  now: () => number;
};

/**
 * What a token allows, without changing anything: the confirmation page (GET) shows this, so that a link
 * scanner fetching every URL in an email cannot unsubscribe anyone.
 */
export function checkUnsubscribeToken(
  token: string | undefined,
  keys: UnsubscribeKeys,
  now: number,
): TokenCheck {
  if (token === undefined || token === '')
    return { status: 'refused', reason: 'malformed', detail: 'no token' };
  const verified = verifyUnsubscribeToken(token, keys, now);
  switch (verified.status) {
    case 'ok':
      return { status: 'valid', token, claims: verified.claims };
    case 'expired':
      return { status: 'refused', reason: 'expired', claims: verified.claims };
    case 'tampered':
      return { status: 'refused', reason: 'tampered' };
    case 'malformed':
      return { status: 'refused', reason: 'malformed', detail: verified.detail };
    default:
      return unreachable(verified);
  }
}

/**
 * Performs the opt-out a valid token names: one customer event whose `traits.consent` opts the customer out of
 * the channel (or of one topic on it). The profile applies it through ingest like any consent change, recording
 * this source and the time, so the endpoint itself writes no state. A refused token publishes nothing.
 */
export async function unsubscribe(
  token: string | undefined,
  method: UnsubscribeMethod,
  ports: UnsubscribePorts,
): Promise<UnsubscribeResult> {
  const now = ports.now();
  const checked = checkUnsubscribeToken(token, ports.keys, now);
  if (checked.status === 'refused') return checked;
  const { claims } = checked;
  const event = unsubscribedEvent(checked.token, claims, method, now);
  await ports.events.publish([event]);
  return {
    status: 'unsubscribed',
    claims,
    consentKey: consentKey(claims.channel, claims.topic),
    event,
  };
}

/**
 * The event id is derived from the token, so a second POST of the same link (mail clients retry, people click
 * twice) is the same event and ingest drops it as a duplicate.
 */
export function unsubscribedEvent(
  token: string,
  claims: UnsubscribeClaims,
  method: UnsubscribeMethod,
  at: number,
): CustomerEvent {
  const { userId, channel, topic } = claims;
  const digest = createHash('sha256').update(token).digest('base64url').slice(0, 32);
  return {
    version: '0',
    id: `unsubscribe:${digest}`,
    source: UNSUBSCRIBE_SOURCE,
    'detail-type': UNSUBSCRIBED,
    time: new Date(at).toISOString(),
    resources: [],
    detail: {
      userId,
      properties: { channel, ...(topic === undefined ? {} : { topic }), method },
      traits: { consent: { [channel]: topic === undefined ? false : { [topic]: false } } },
    },
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected verification result ${JSON.stringify(value)}`);
}
