import { describe, expect, it } from 'vitest';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import {
  checkUnsubscribeToken,
  UNSUBSCRIBE_SOURCE,
  UNSUBSCRIBED,
  unsubscribe,
} from '../../../functions/core/runtime/unsubscribe.ts';
import { createUnsubscribeToken, type UnsubscribeClaims } from '../../../functions/core/unsubscribe/token.ts';
import { MemoryPublisher, memoryPorts, signedUp, T0, TEST_UNSUBSCRIBE_KEY } from '../../handlers/support.ts';

const KEYS = { current: TEST_UNSUBSCRIBE_KEY };
const DAY = 86_400_000;
const NOW = T0 + 60_000;

function token(claims: Partial<UnsubscribeClaims> = {}): string {
  return createUnsubscribeToken(
    { userId: 'usr_1', channel: 'email', topic: 'marketing', expiresAt: T0 + 60 * DAY, ...claims },
    KEYS,
  );
}

/** The same token with one character in the middle of its signature changed. */
function tampered(valid: string): string {
  const at = valid.indexOf('.') + 10;
  const changed = valid[at] === 'A' ? 'B' : 'A';
  return `${valid.slice(0, at)}${changed}${valid.slice(at + 1)}`;
}

function ports(publisher = new MemoryPublisher(), now = NOW) {
  return { keys: KEYS, events: publisher, now: () => now };
}

describe('unsubscribe', () => {
  it('publishes one consent event opting the customer out of the token’s channel and topic', async () => {
    // Prepare
    const publisher = new MemoryPublisher();

    // Act
    const result = await unsubscribe(token(), 'one-click', ports(publisher));

    // Assess
    expect(result).toMatchObject({
      status: 'unsubscribed',
      consentKey: 'email:marketing',
      claims: { userId: 'usr_1', channel: 'email', topic: 'marketing' },
    });
    expect(publisher.events).toHaveLength(1);
    expect(publisher.events[0]).toMatchObject({
      source: UNSUBSCRIBE_SOURCE,
      'detail-type': UNSUBSCRIBED,
      time: new Date(NOW).toISOString(),
      detail: {
        userId: 'usr_1',
        properties: { channel: 'email', topic: 'marketing', method: 'one-click' },
        traits: { consent: { email: { marketing: false } } },
      },
    });
  });

  it('opts out of the whole channel when the token names no topic', async () => {
    // Prepare
    const publisher = new MemoryPublisher();

    // Act
    const result = await unsubscribe(token({ channel: 'sms', topic: undefined }), 'form', ports(publisher));

    // Assess
    expect(result).toMatchObject({ status: 'unsubscribed', consentKey: 'sms' });
    expect(publisher.events[0]?.detail).toEqual({
      userId: 'usr_1',
      properties: { channel: 'sms', method: 'form' },
      traits: { consent: { sms: false } },
    });
  });

  it('records the opt-out on the profile, with its source and time, once applied by ingest', async () => {
    // Prepare
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-0');
    const publisher = new MemoryPublisher();
    await unsubscribe(token(), 'one-click', ports(publisher));

    // Act
    const outcome = await ingest(JSON.stringify(publisher.events[0]), apply, 'msg-1');

    // Assess
    expect(outcome.status).toBe('applied');
    const stored = await apply.states.load('usr_1');
    expect(stored?.state.profile.consent['email:marketing']).toEqual({
      status: 'opted_out',
      source: UNSUBSCRIBE_SOURCE,
      at: NOW,
    });
  });

  it('publishes the same event for a repeated POST of one link, which ingest drops as a duplicate', async () => {
    // Prepare
    const apply = await memoryPorts();
    const publisher = new MemoryPublisher();
    const link = token();
    await unsubscribe(link, 'one-click', ports(publisher, NOW));
    await unsubscribe(link, 'one-click', ports(publisher, NOW + 5_000));
    const [first, second] = publisher.events;

    // Act
    await ingest(JSON.stringify(first), apply, 'msg-1');
    const repeated = await ingest(JSON.stringify(second), apply, 'msg-2');

    // Assess
    expect(second?.id).toBe(first?.id);
    expect(repeated).toMatchObject({ status: 'applied', result: { duplicate: true, written: false } });
  });

  it('gives different links different event ids', async () => {
    // Prepare
    const publisher = new MemoryPublisher();

    // Act
    await unsubscribe(token(), 'one-click', ports(publisher));
    await unsubscribe(token({ topic: 'newsletter' }), 'one-click', ports(publisher));

    // Assess
    const [a, b] = publisher.events;
    expect(a?.id).not.toBe(b?.id);
  });

  it.each([
    ['a tampered token', () => tampered(token()), 'tampered'],
    [
      'a token signed with another key',
      () =>
        createUnsubscribeToken(
          { userId: 'usr_1', channel: 'email', expiresAt: T0 + DAY },
          { current: new Uint8Array(32).fill(9) },
        ),
      'tampered',
    ],
    ['an expired token', () => token({ expiresAt: NOW }), 'expired'],
    ['a token that is not two parts', () => 'not-a-token', 'malformed'],
    ['no token', () => undefined, 'malformed'],
  ])('refuses %s and publishes nothing', async (_name, make, reason) => {
    // Prepare
    const publisher = new MemoryPublisher();

    // Act
    const result = await unsubscribe(make(), 'one-click', ports(publisher));

    // Assess
    expect(result).toMatchObject({ status: 'refused', reason });
    expect(publisher.events).toEqual([]);
  });

  it('fails when the event cannot be published, so the customer is not told they are unsubscribed', async () => {
    // Prepare
    const failing = {
      publish: async () => {
        throw new Error('ingest queue unavailable');
      },
    };

    // Act
    const attempt = unsubscribe(token(), 'one-click', { keys: KEYS, events: failing, now: () => NOW });

    // Assess
    await expect(attempt).rejects.toThrow('ingest queue unavailable');
  });
});

describe('checkUnsubscribeToken', () => {
  it('tells a valid token from an expired one without publishing anything', () => {
    // Prepare
    const valid = token();
    const expired = token({ expiresAt: NOW - 1 });

    // Act
    const checkedValid = checkUnsubscribeToken(valid, KEYS, NOW);
    const checkedExpired = checkUnsubscribeToken(expired, KEYS, NOW);

    // Assess
    expect(checkedValid).toMatchObject({ status: 'valid', token: valid, claims: { topic: 'marketing' } });
    expect(checkedExpired).toMatchObject({ status: 'refused', reason: 'expired' });
  });
});
