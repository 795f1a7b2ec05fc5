import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpCaller } from '../../../functions/adapters/http/http-caller.ts';
import type { CallRequest } from '../../../functions/core/ports/call-port.ts';
import { secretsFrom } from '../../../functions/core/ports/secrets.ts';

let server: Server;
let base: string;
const seen: { path: string; key: string | undefined; token: string | undefined; body: string }[] = [];

beforeAll(async () => {
  // Answers by path: /json, /text, /400, /503.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += String(chunk);
    });
    request.on('end', () => {
      const path = request.url ?? '';
      seen.push({
        path,
        key: request.headers['idempotency-key']?.toString(),
        token: request.headers['x-token']?.toString(),
        body,
      });
      const status = path === '/400' ? 400 : path === '/503' ? 503 : 200;
      response.writeHead(status);
      response.end(path === '/json' ? '{"lead":{"tier":"gold"}}' : 'not json');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const caller = new HttpCaller({ secrets: secretsFrom({ token: 's3cret' }) });
const request = (path: string, secret = 'token'): CallRequest => ({
  target: {
    kind: 'http',
    url: `${base}${path}`,
    method: 'POST',
    headers: { 'X-Token': { secret } },
    body: '{"a":1}',
  },
  idempotencyKey: 'j:u:abc:lookup:1',
  timeoutMs: 2_000,
  userId: 'u',
  journeyId: 'j',
  stepId: 'lookup',
});

describe('HttpCaller', () => {
  it('sends the body, the idempotency key and the secret header, and reads a JSON answer', async () => {
    // Act
    const response = await caller.call(request('/json'));

    // Assess
    expect(response).toEqual({ ok: true, status: 200, answer: { lead: { tier: 'gold' } } });
    expect(seen.at(-1)).toEqual({ path: '/json', key: 'j:u:abc:lookup:1', token: 's3cret', body: '{"a":1}' });
  });

  it('answers nothing to save for a body that is not JSON', async () => {
    expect(await caller.call(request('/text'))).toEqual({ ok: true, status: 200, answer: undefined });
  });

  it('tells a refusal for good (4xx) from one a retry may change (5xx)', async () => {
    expect(await caller.call(request('/400'))).toEqual({ ok: false, retryable: false, reason: 'HTTP 400' });
    expect(await caller.call(request('/503'))).toEqual({ ok: false, retryable: true, reason: 'HTTP 503' });
  });

  it('makes no request when a secret cannot be read, and names the secret, not a value', async () => {
    // Prepare
    const before = seen.length;

    // Act
    const response = await caller.call(request('/json', 'missing'));

    // Assess
    expect(response).toEqual({
      ok: false,
      retryable: true,
      reason: 'secret unavailable: no secret named "missing"',
    });
    expect(seen).toHaveLength(before);
  });

  it('reports a network error as one a retry may change', async () => {
    // Act: a port nothing listens on.
    const response = await caller.call({
      ...request('/json'),
      target: { kind: 'http', url: 'http://127.0.0.1:1/x', method: 'GET', headers: {} },
    });

    // Assess
    expect(response).toMatchObject({
      ok: false,
      retryable: true,
      reason: expect.stringMatching(/^network error: /),
    });
  });
});
