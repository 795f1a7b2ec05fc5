import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmailMessage } from '../../../functions/core/ports/channel.ts';
import { type DeliverPorts, deliverSend } from '../../../functions/core/runtime/deliver.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { UNSUBSCRIBE_SOURCE } from '../../../functions/core/runtime/unsubscribe.ts';
import { createUnsubscribeToken, type UnsubscribeClaims } from '../../../functions/core/unsubscribe/token.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { unsubscribeHandler } from '../../../functions/handlers/unsubscribe/index.ts';
import { captureMetrics } from '../capture-metrics.ts';
import {
  lambdaContext,
  type MemoryPorts,
  MemoryPublisher,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  signedUp,
  T0,
  TEST_UNSUBSCRIBE_KEY,
} from '../support.ts';

const KEYS = { current: TEST_UNSUBSCRIBE_KEY };
const DAY = 86_400_000;
const NOW = T0 + 3_600_000;
const ONE_CLICK = 'List-Unsubscribe=One-Click';

function token(claims: Partial<UnsubscribeClaims> = {}): string {
  return createUnsubscribeToken(
    { userId: 'usr_1', channel: 'email', topic: 'marketing', expiresAt: T0 + 60 * DAY, ...claims },
    KEYS,
  );
}

type Request = { method: string; query?: string; body?: string; base64?: boolean; contentType?: string };

/** A Lambda function URL event (payload format 2.0), as AWS sends it. */
function functionUrlEvent({ method, query = '', body, base64 = false, contentType }: Request) {
  const parameters = Object.fromEntries(new URLSearchParams(query));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: query,
    headers: {
      host: 'abc123.lambda-url.eu-west-1.on.aws',
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    ...(query === '' ? {} : { queryStringParameters: parameters }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '02/Nov/2026:11:00:00 +0000',
      timeEpoch: NOW,
    },
    ...(body === undefined ? {} : { body: base64 ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: base64,
  };
}

/** An RFC 8058 one-click POST as a mail client sends it: the body form-encoded, here base64 as Lambda passes it. */
function oneClick(link: string) {
  return functionUrlEvent({
    method: 'POST',
    query: `token=${link}`,
    body: ONE_CLICK,
    base64: true,
    contentType: 'application/x-www-form-urlencoded',
  });
}

function setup(now = NOW) {
  const events = new MemoryPublisher();
  const handler = unsubscribeHandler(
    async () => ({ keys: KEYS, events, now: () => now }),
    observability('unsubscribe-test'),
  );
  return { events, handler };
}

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('unsubscribe endpoint: a valid one-click POST', () => {
  async function deliverPorts(apply: MemoryPorts, channel: RecordingChannel): Promise<DeliverPorts> {
    const config = await sampleConfig();
    return {
      apply,
      policies: config.policies,
      policyStore: new InMemoryPolicyStore(),
      defaultTimezone: 'UTC',
      composer: await sampleComposer(),
      channel,
      now: () => NOW,
    };
  }

  it('opts the customer out, so a later marketing email is SKIPPED with reason opt_out', async () => {
    // Prepare: the welcome email goes out with its unsubscribe link.
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-0');
    const welcome = apply.sends.messages.find((m) => m.send.intent.template === 'welcome');
    if (!welcome) throw new Error('the welcome series intended no welcome email');
    const channel = new RecordingChannel();
    const deliver = await deliverPorts(apply, channel);
    await deliverSend(welcome.send, deliver, 'msg-1');
    const sent = channel.sent[0]?.message;
    if (sent?.channel !== 'email') throw new Error('the welcome email was not sent');
    const link = new URL((sent satisfies EmailMessage).unsubscribeUrl);
    const { events, handler } = setup();
    const metrics = captureMetrics();

    // Act: the mail client's one-click POST, then its event through ingest, then the next marketing email.
    const response = await handler(
      functionUrlEvent({
        method: 'POST',
        query: link.search.slice(1),
        body: ONE_CLICK,
        base64: true,
        contentType: 'application/x-www-form-urlencoded',
      }),
      lambdaContext,
    );
    metrics.stop();
    for (const event of events.events) await ingest(JSON.stringify(event), apply, 'msg-2');
    const next = { intent: { ...welcome.send.intent, messageId: `${welcome.send.intent.messageId}-next` } };
    const later = await deliverSend(next, deliver, 'msg-3');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('You are unsubscribed');
    expect(events.events).toHaveLength(1);
    expect(events.events[0]?.detail.properties).toEqual({
      channel: 'email',
      topic: 'marketing',
      method: 'one-click',
    });
    const profile = (await apply.states.load('usr_1'))?.state.profile;
    expect(profile?.consent['email:marketing']).toEqual({
      status: 'opted_out',
      source: UNSUBSCRIBE_SOURCE,
      at: NOW,
    });
    expect(later.outcome).toMatchObject({ status: 'SKIPPED', reason: 'opt_out', channel: 'email' });
    expect(channel.sent).toHaveLength(1);
    expect(metrics.total('Unsubscribes', { channel: 'email', method: 'one-click' })).toBe(1);
  });

  it('accepts the one-click body as multipart/form-data, and records the confirmation page’s POST as form', async () => {
    // Prepare
    const { events, handler } = setup();
    const boundary = '----cairn';
    const multipart = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    await handler(
      functionUrlEvent({
        method: 'POST',
        query: `token=${token()}`,
        body: multipart,
        contentType: `multipart/form-data; boundary=${boundary}`,
      }),
      lambdaContext,
    );
    await handler(
      functionUrlEvent({
        method: 'POST',
        query: `token=${token({ topic: 'newsletter' })}`,
        body: 'confirm=yes',
      }),
      lambdaContext,
    );

    // Assess
    expect(events.events.map((e) => e.detail.properties.method)).toEqual(['one-click', 'form']);
  });
});

describe('unsubscribe endpoint: refusals', () => {
  it.each([
    ['a tampered token', () => `${token().slice(0, -12)}AAAAAAAAAAAA`, 'tampered', 'not valid'],
    ['an expired token', () => token({ expiresAt: NOW - 1 }), 'expired', 'expired'],
    ['a malformed token', () => 'garbage', 'malformed', 'not valid'],
    ['no token', () => '', 'malformed', 'not valid'],
  ])('answers %s with 403 and publishes nothing', async (_name, make, reason, words) => {
    // Prepare
    const { events, handler } = setup();
    const metrics = captureMetrics();

    // Act
    const response = await handler(oneClick(make()), lambdaContext);

    // Assess
    metrics.stop();
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(words);
    expect(events.events).toEqual([]);
    expect(metrics.total('UnsubscribeRefusals', { reason })).toBe(1);
    expect(metrics.total('Unsubscribes')).toBe(0);
  });

  it('leaves the profile unchanged after a tampered or expired POST', async () => {
    // Prepare
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-0');
    const before = (await apply.states.load('usr_1'))?.state.profile.consent;
    const { events, handler } = setup();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    await handler(oneClick(`${token().slice(0, -12)}AAAAAAAAAAAA`), lambdaContext);
    await handler(oneClick(token({ expiresAt: NOW })), lambdaContext);
    for (const event of events.events) await ingest(JSON.stringify(event), apply, 'msg-1');

    // Assess
    expect(events.events).toEqual([]);
    expect((await apply.states.load('usr_1'))?.state.profile.consent).toEqual(before);
  });

  it.each(['PUT', 'DELETE', 'HEAD'])('answers %s with 405 and the allowed methods', async (method) => {
    // Prepare
    const { events, handler } = setup();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(functionUrlEvent({ method, query: `token=${token()}` }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
    expect(events.events).toEqual([]);
  });

  it('fails, rather than confirm, when the opt-out cannot be published', async () => {
    // Prepare
    const handler = unsubscribeHandler(
      async () => ({
        keys: KEYS,
        events: {
          publish: async () => {
            throw new Error('ingest queue unavailable');
          },
        },
        now: () => NOW,
      }),
      observability('unsubscribe-test'),
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const invocation = handler(oneClick(token()), lambdaContext);

    // Assess
    await expect(invocation).rejects.toThrow('ingest queue unavailable');
  });

  it('answers 400 to an event that is not a function URL request', async () => {
    // Prepare
    const { events, handler } = setup();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler({ hello: 'world' }, lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(events.events).toEqual([]);
  });
});

describe('unsubscribe endpoint: GET', () => {
  it('shows a confirmation page with a form that POSTs the same token, and changes nothing', async () => {
    // Prepare
    const { events, handler } = setup();
    const link = token();
    const metrics = captureMetrics();

    // Act
    const response = await handler(
      functionUrlEvent({ method: 'GET', query: `token=${link}` }),
      lambdaContext,
    );

    // Assess
    metrics.stop();
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    });
    expect(metrics.total('UnsubscribeRequests')).toBe(1);
    expect(metrics.total('UnsubscribePagesShown')).toBe(1);
    expect(metrics.total('Unsubscribes')).toBe(0);
    expect(response.body).toContain('stop receiving marketing email');
    expect(response.body).toContain(`<form method="post" action="?token=${link}">`);
    expect(events.events).toEqual([]);
  });

  it('answers an expired link with 403 saying so', async () => {
    // Prepare
    const { events, handler } = setup();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(
      functionUrlEvent({ method: 'GET', query: `token=${token({ expiresAt: NOW })}` }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('This link has expired');
    expect(events.events).toEqual([]);
  });

  it('escapes what it puts in HTML, even from a correctly signed token', async () => {
    // Prepare
    const { handler } = setup();
    const link = token({ topic: '<script>alert("x")</script>' });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const shown = await handler(functionUrlEvent({ method: 'GET', query: `token=${link}` }), lambdaContext);
    const done = await handler(oneClick(link), lambdaContext);

    // Assess
    for (const response of [shown, done]) {
      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('<script>');
      expect(response.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });
});
