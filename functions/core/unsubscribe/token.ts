import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { Channel } from '../journeys/enums.ts';

/**
 * Unsubscribe tokens: `<payload>.<signature>`, both base64url. The payload is JSON binding the user, channel,
 * topic and expiry; the signature is HMAC-SHA256 over the payload text with a secret key. Nothing is stored:
 * the link itself proves which opt-out it may perform, and only until it expires.
 */
export const UnsubscribeClaims = z.lazy(() =>
  z.object({
    userId: z.string().min(1),
    channel: Channel,
    /** The consent topic, e.g. `marketing` (docs/profile.md, `email:marketing`); absent for the whole channel. */
    topic: z.string().min(1).optional(),
    /** Epoch milliseconds after which the token is refused. */
    expiresAt: z.number().int().nonnegative(),
  }),
);
export type UnsubscribeClaims = z.infer<typeof UnsubscribeClaims>;

/** The payload as written: short keys keep links short. `v` allows a later format change. */
const Payload = z.lazy(() =>
  z.strictObject({
    v: z.literal(1),
    u: z.string().min(1),
    c: Channel,
    t: z.string().min(1).optional(),
    e: z.number().int().nonnegative(),
  }),
);

export type UnsubscribeKeys = {
  /** Signs new tokens. At least 32 random bytes. */
  current: Uint8Array;
  /** Still accepted when verifying, so rotating the key does not break links already sent. */
  previous?: readonly Uint8Array[];
};

export type VerifyResult =
  | { status: 'ok'; claims: UnsubscribeClaims }
  | { status: 'tampered' }
  | { status: 'expired'; claims: UnsubscribeClaims }
  | { status: 'malformed'; detail: string };

const MIN_KEY_BYTES = 32;

/** Each key imported once: importing the raw bytes again for every link was a third of signing it. */
const imported = new WeakMap<Uint8Array, KeyObject>();

function sign(key: Uint8Array, payload: string): Buffer {
  let secret = imported.get(key);
  if (secret === undefined) {
    secret = createSecretKey(key);
    imported.set(key, secret);
  }
  return createHmac('sha256', secret).update(payload).digest();
}

function checkKey(key: Uint8Array): void {
  if (key.byteLength < MIN_KEY_BYTES)
    throw new Error(`an unsubscribe key needs at least ${MIN_KEY_BYTES} bytes`);
}

export function createUnsubscribeToken(claims: UnsubscribeClaims, keys: UnsubscribeKeys): string {
  checkKey(keys.current);
  const { userId, channel, topic, expiresAt } = UnsubscribeClaims.parse(claims);
  const payload = Buffer.from(
    JSON.stringify({
      v: 1,
      u: userId,
      c: channel,
      ...(topic === undefined ? {} : { t: topic }),
      e: expiresAt,
    }),
  ).toString('base64url');
  return `${payload}.${sign(keys.current, payload).toString('base64url')}`;
}

/** Only the canonical base64url text of some bytes: Node's decoder skips stray characters and padding bits. */
function decodeCanonical(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Checks the signature first (in constant time, against each key), then the payload and the expiry, so a forged
 * token learns nothing about which part was wrong. A token is valid while `now < expiresAt`.
 */
export function verifyUnsubscribeToken(token: string, keys: UnsubscribeKeys, now: number): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 2) return { status: 'malformed', detail: 'expected two parts separated by "."' };
  const [payload = '', signature = ''] = parts;
  if (payload === '' || signature === '') return { status: 'malformed', detail: 'an empty part' };
  const given = decodeCanonical(signature);
  if (!given || decodeCanonical(payload) === undefined) return { status: 'tampered' };
  const signed = [keys.current, ...(keys.previous ?? [])].some((key) => {
    const expected = sign(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { status: 'tampered' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { status: 'malformed', detail: 'the payload is not JSON' };
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) return { status: 'malformed', detail: 'the payload is not an unsubscribe claim' };
  const { u, c, t, e } = parsed.data;
  const claims: UnsubscribeClaims = {
    userId: u,
    channel: c,
    expiresAt: e,
    ...(t === undefined ? {} : { topic: t }),
  };
  return now < e ? { status: 'ok', claims } : { status: 'expired', claims };
}

export type UnsubscribeLinks = {
  /** Where the unsubscribe endpoint is served, e.g. the function URL. */
  baseUrl: string;
  keys: UnsubscribeKeys;
  /** How long a link works. Links in email are clicked weeks later; RFC 8058 one-click needs them to work. */
  ttlMs: number;
  now: () => number;
};

/** The URL builder used at render time: a link to the endpoint with a fresh token for the message's claims. */
export function unsubscribeUrlBuilder(
  links: UnsubscribeLinks,
): (claims: Omit<UnsubscribeClaims, 'expiresAt'>) => string {
  // The URL is made once, around a marker, and each link is the token put in its place: a token is base64url
  // and a dot, which a query parameter holds as it is, so the text is what `searchParams.set` would make. A
  // message's links were about a sixth of its rendering (docs/benchmarks.md).
  const url = new URL(links.baseUrl);
  url.searchParams.set('token', TOKEN_MARKER);
  const [before, after, more] = url.toString().split(TOKEN_MARKER);
  if (before === undefined || after === undefined || more !== undefined)
    throw new Error(`the unsubscribe base URL ${links.baseUrl} already holds ${TOKEN_MARKER}`);
  return (claims) =>
    `${before}${createUnsubscribeToken({ ...claims, expiresAt: links.now() + links.ttlMs }, links.keys)}${after}`;
}

/** Stands for the token in the URL made once (unsubscribeUrlBuilder): no base URL holds it. */
const TOKEN_MARKER = 'cairn-unsubscribe-token-goes-here';
