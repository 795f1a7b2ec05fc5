import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createUnsubscribeToken,
  type UnsubscribeKeys,
  unsubscribeUrlBuilder,
  verifyUnsubscribeToken,
} from '../../../functions/core/unsubscribe/token.ts';

const KEYS: UnsubscribeKeys = { current: Buffer.alloc(32, 7) };
const OTHER: UnsubscribeKeys = { current: Buffer.alloc(32, 8) };
const T0 = Date.parse('2026-11-01T10:00:00Z');
const CLAIMS = { userId: 'usr_1001', channel: 'email', topic: 'marketing', expiresAt: T0 + 1000 } as const;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('unsubscribe tokens', () => {
  it('verifies a token it made and returns its claims', () => {
    const token = createUnsubscribeToken(CLAIMS, KEYS);

    expect(verifyUnsubscribeToken(token, KEYS, T0)).toEqual({ status: 'ok', claims: CLAIMS });
  });

  it('binds a whole channel when there is no topic', () => {
    const claims = { userId: 'u', channel: 'sms', expiresAt: T0 + 1 } as const;

    expect(verifyUnsubscribeToken(createUnsubscribeToken(claims, KEYS), KEYS, T0)).toEqual({
      status: 'ok',
      claims,
    });
  });

  it('works until the millisecond before expiry and not from it', () => {
    const token = createUnsubscribeToken(CLAIMS, KEYS);

    expect(verifyUnsubscribeToken(token, KEYS, CLAIMS.expiresAt - 1).status).toBe('ok');
    expect(verifyUnsubscribeToken(token, KEYS, CLAIMS.expiresAt)).toEqual({
      status: 'expired',
      claims: CLAIMS,
    });
    expect(verifyUnsubscribeToken(token, KEYS, CLAIMS.expiresAt + 86_400_000).status).toBe('expired');
  });

  it('refuses a token signed with another key', () => {
    const token = createUnsubscribeToken(CLAIMS, OTHER);

    expect(verifyUnsubscribeToken(token, KEYS, T0)).toEqual({ status: 'tampered' });
  });

  it('accepts a previous key after rotation, and signs with the current one', () => {
    // Prepare
    const rotated: UnsubscribeKeys = { current: OTHER.current, previous: [KEYS.current] };
    const old = createUnsubscribeToken(CLAIMS, KEYS);

    // Act
    const fresh = createUnsubscribeToken(CLAIMS, rotated);

    // Assess
    expect(verifyUnsubscribeToken(old, rotated, T0).status).toBe('ok');
    expect(verifyUnsubscribeToken(fresh, KEYS, T0).status).toBe('tampered');
  });

  it('refuses a payload re-signed by nobody: another user, channel or expiry with the old signature', () => {
    // Prepare
    const token = createUnsubscribeToken(CLAIMS, KEYS);
    const signature = token.split('.')[1];
    const forged = Buffer.from(
      JSON.stringify({ v: 1, u: 'usr_9999', c: 'email', t: 'marketing', e: T0 + 1000 }),
    );

    // Act
    const result = verifyUnsubscribeToken(`${forged.toString('base64url')}.${signature}`, KEYS, T0);

    // Assess
    expect(result).toEqual({ status: 'tampered' });
  });

  it('never accepts a token with any one character changed', () => {
    const token = createUnsubscribeToken(CLAIMS, KEYS);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...Array.from(`${BASE64URL}.=+/ %`)),
        (index, char) => {
          fc.pre(token[index] !== char);
          const changed = token.slice(0, index) + char + token.slice(index + 1);
          expect(verifyUnsubscribeToken(changed, KEYS, T0).status).not.toBe('ok');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reports every single-character change of the payload or signature as tampered', () => {
    const token = createUnsubscribeToken(CLAIMS, KEYS);
    const statuses = new Set<string>();
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      for (const char of ['A', 'z', '-']) {
        if (token[i] === char) continue;
        statuses.add(verifyUnsubscribeToken(token.slice(0, i) + char + token.slice(i + 1), KEYS, T0).status);
      }
    }

    expect([...statuses]).toEqual(['tampered']);
  });

  it('calls a token without the two parts malformed', () => {
    expect(verifyUnsubscribeToken('', KEYS, T0).status).toBe('malformed');
    expect(verifyUnsubscribeToken('abc', KEYS, T0).status).toBe('malformed');
    expect(verifyUnsubscribeToken('a.b.c', KEYS, T0).status).toBe('malformed');
    expect(verifyUnsubscribeToken('.abc', KEYS, T0).status).toBe('malformed');
  });

  it('calls a correctly signed payload that is not a claim malformed', () => {
    // Prepare: signed with the real key, as only a bug of ours could.
    const payload = Buffer.from('{"hello":"world"}').toString('base64url');
    const signature = createHmac('sha256', KEYS.current).update(payload).digest('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${payload}.${signature}`, KEYS, T0);

    // Assess
    expect(result).toEqual({ status: 'malformed', detail: 'the payload is not an unsubscribe claim' });
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createUnsubscribeToken(CLAIMS, { current: Buffer.alloc(16) })).toThrow(/at least 32 bytes/);
  });
});

describe('unsubscribeUrlBuilder', () => {
  it('links to the endpoint with a token that expires after the TTL from the injected clock', () => {
    // Prepare
    const build = unsubscribeUrlBuilder({
      baseUrl: 'https://abc.lambda-url.eu-west-1.on.aws/unsubscribe',
      keys: KEYS,
      ttlMs: 30 * 86_400_000,
      now: () => T0,
    });

    // Act
    const url = new URL(build({ userId: 'usr_1001', channel: 'email', topic: 'marketing' }));

    // Assess
    expect(url.origin + url.pathname).toBe('https://abc.lambda-url.eu-west-1.on.aws/unsubscribe');
    const token = url.searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(token, KEYS, T0)).toEqual({
      status: 'ok',
      claims: { userId: 'usr_1001', channel: 'email', topic: 'marketing', expiresAt: T0 + 30 * 86_400_000 },
    });
  });

  it('makes the link the URL API makes, whatever query and fragment the base URL holds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'https://u.example/unsubscribe',
          'https://u.example/',
          'https://u.example/x?lang=en',
          'https://u.example/x?token=old&b=a%20b+c',
          'https://u.example/x?a=1#top',
          'https://u.example:8443/p%20q?empty',
          'http://127.0.0.1:3000/unsubscribe?x=%E2%82%AC',
        ),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.constantFrom('email', 'sms', 'push'),
        (baseUrl, userId, channel) => {
          // Prepare
          const links = { baseUrl, keys: KEYS, ttlMs: 60_000, now: () => T0 };
          const expected = new URL(baseUrl);
          expected.searchParams.set(
            'token',
            createUnsubscribeToken({ userId, channel, expiresAt: T0 + 60_000 }, KEYS),
          );

          // Act
          const link = unsubscribeUrlBuilder(links)({ userId, channel });

          // Assess
          expect(link).toBe(expected.toString());
        },
      ),
    );
  });

  it('refuses a base URL that holds its token marker, naming the URL', () => {
    // Prepare
    const baseUrl = 'https://u.example/?note=cairn-unsubscribe-token-goes-here';

    // Act
    const build = () => unsubscribeUrlBuilder({ baseUrl, keys: KEYS, ttlMs: 1, now: () => T0 });

    // Assess
    expect(build).toThrow(baseUrl);
  });
});
