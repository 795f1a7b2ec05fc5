import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallPort } from '../../functions/core/ports/call-port.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { runUntil } from '../../functions/core/runtime/drive.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;
const SECRET = 'crm-token-s3cr3t-value-7f3a';

/** One request the CRM stand-in received. */
type Received = {
  userId: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: unknown;
};

/** How the CRM stand-in answers each user: a key account, a 500, or too slowly. */
function behaviour(userId: string): { status: number; delayMs: number; body: unknown } {
  if (userId === 'usr_500') return { status: 500, delayMs: 0, body: { error: 'down' } };
  if (userId === 'usr_slow') return { status: 200, delayMs: 1_500, body: {} };
  const tier = userId === 'usr_key' || userId === 'usr_crash' ? 'key-account' : 'standard';
  return { status: 200, delayMs: 0, body: { lead: { id: `L-${userId}`, tier, owner: { name: 'Priya' } } } };
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

let server: Server;
const received: Received[] = [];
let stack: LocalStack;
let clock: VirtualClock;
let folder: string;
/** Users whose next call the fault injection crashes after the request was made. */
const crashAfterRequest = new Set<string>(['usr_crash']);
const output: string[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const parsed: { userId?: string } = JSON.parse(await bodyOf(request));
    const userId = parsed.userId ?? '';
    received.push({
      userId,
      idempotencyKey: request.headers['idempotency-key']?.toString(),
      authorization: request.headers.authorization,
      body: parsed,
    });
    const { status, delayMs, body } = behaviour(userId);
    setTimeout(() => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The sample journey, pointed at the stand-in on loopback, with a 1-second timeout.
  folder = await mkdtemp(join(tmpdir(), 'cairn-calls-'));
  const journey = (await readFile('journeys/wholesale-leads.yaml', 'utf8'))
    .replace('https://crm.example.com/hooks/leads', `http://127.0.0.1:${port}/hooks/leads`)
    .replace('timeout: PT5S', 'timeout: PT1S');
  await writeFile(join(folder, 'wholesale-leads.yaml'), journey);
  await cp('journeys/templates', join(folder, 'templates'), { recursive: true });
  await cp('journeys/policies.yaml', join(folder, 'policies.yaml'));
  clock = new VirtualClock(T0);
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      output.push(String(chunk));
      return true;
    });
  const wrapCaller = (inner: CallPort): CallPort => ({
    async call(request) {
      const answer = await inner.call(request);
      if (crashAfterRequest.delete(request.userId)) throw new Error('injected crash after the request');
      return answer;
    },
  });
  stack = await startLocalStack({
    journeysDir: folder,
    clock,
    logLevel: 'DEBUG',
    secrets: { 'crm-webhook-token': `Bearer ${SECRET}` },
    wrapCaller,
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(folder, { recursive: true, force: true });
});

async function inquiry(userId: string, at: number): Promise<void> {
  const client = localEventBridge(stack.endpoint);
  try {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'com.example.shop',
            DetailType: 'Wholesale Inquiry',
            Time: new Date(at),
            Detail: JSON.stringify({
              userId,
              eventId: `${userId}-inquiry`,
              traits: { email: `${userId}@example.com`, firstName: 'Ada' },
              properties: { company: 'Café Ada' },
            }),
          },
        ],
      }),
    );
    expect(response.FailedEntryCount).toBe(0);
  } finally {
    client.destroy();
  }
}

const requestsOf = (userId: string) => received.filter((r) => r.userId === userId);
const callOf = (userId: string) => [...stack.results.calls.values()].find((c) => c.userId === userId);
const sentTo = (userId: string) => stack.sent.filter((m) => m.userId === userId).map((m) => m.summary);

describe('call steps on the local stack, against an HTTP server on loopback', () => {
  it('calls once per enrollment, even when the same event is delivered again, and branches on the answer', async () => {
    // Act: the inquiry, then the same event again a minute later.
    await inquiry('usr_key', T0);
    await runUntil(stack, clock, T0 + MINUTE);
    await inquiry('usr_key', T0);
    await runUntil(stack, clock, T0 + 2 * MINUTE);

    // Assess: one request, with the idempotency key and the secret header; the saved tier chose the branch.
    expect(requestsOf('usr_key')).toHaveLength(1);
    const [request] = requestsOf('usr_key');
    expect(request?.authorization).toBe(`Bearer ${SECRET}`);
    expect(request?.idempotencyKey).toMatch(/^wholesale-leads:usr_key:.+:post-lead:1$/);
    expect(request?.body).toEqual({
      userId: 'usr_key',
      email: 'usr_key@example.com',
      company: 'Café Ada',
      cupsPerWeek: 0,
    });
    expect(callOf('usr_key')).toMatchObject({ ok: true, attempts: 1, saved: ['tier', 'owner'] });
    expect(sentTo('usr_key')).toEqual(['Priya from Example Roasters will look after Café Ada']);
  });

  it('does not call again after a crash after the request: the outcome is unknown and onFailure is taken', async () => {
    // Act: the calls function crashes once the request is made; SQS redelivers; the claim goes stale.
    await inquiry('usr_crash', T0 + 10 * MINUTE);
    await runUntil(stack, clock, T0 + 20 * MINUTE);

    // Assess: one request reached the server; the worker crashed before it could record (or report) it.
    expect(requestsOf('usr_crash')).toHaveLength(1);
    expect(callOf('usr_crash')).toMatchObject({ ok: false, reason: 'unknown_outcome', attempts: 0 });
    expect(sentTo('usr_crash')).toEqual(['Your wholesale inquiry at Example Roasters']);
  });

  it('takes onFailure when a 500 outlasts the retries', async () => {
    // Act
    await inquiry('usr_500', T0 + 30 * MINUTE);
    await runUntil(stack, clock, T0 + 40 * MINUTE);

    // Assess: the first attempt and two retries, with the same idempotency key.
    expect(requestsOf('usr_500')).toHaveLength(3);
    expect(new Set(requestsOf('usr_500').map((r) => r.idempotencyKey)).size).toBe(1);
    expect(callOf('usr_500')).toMatchObject({ ok: false, reason: 'HTTP 500', attempts: 3 });
    expect(sentTo('usr_500')).toEqual(['Your wholesale inquiry at Example Roasters']);
  });

  it('reports a timeout with its reason', async () => {
    // Act
    await inquiry('usr_slow', T0 + 50 * MINUTE);
    await runUntil(stack, clock, T0 + 60 * MINUTE);

    // Assess
    expect(callOf('usr_slow')).toMatchObject({ ok: false, reason: 'timeout after 1000 ms', attempts: 3 });
    expect(sentTo('usr_slow')).toEqual(['Your wholesale inquiry at Example Roasters']);
  });

  it('never puts the secret header value in logs, state, the ledger or outcomes', async () => {
    // Act: everything the table holds, and everything reported.
    const items = await stack.dynamo.documents.send(new ScanCommand({ TableName: stack.tableName }));
    const reported = JSON.stringify({
      calls: [...stack.results.calls.values()],
      messages: [...stack.results.messages.values()],
      deadLetters: stack.deadLetters,
      redriven: stack.redriven,
      sent: stack.sent,
    });

    // Assess: the logs are there (DEBUG), and the secret is in none of them.
    expect(output.join('').length).toBeGreaterThan(0);
    expect(output.join('')).toContain('call handled');
    expect(output.join('')).not.toContain(SECRET);
    expect(JSON.stringify(items.Items)).not.toContain(SECRET);
    expect(JSON.stringify(items.Items)).toContain('CALL#');
    expect(reported).not.toContain(SECRET);
  });

  it('counts the calls handled by what came of them, as the calls function does on AWS', () => {
    // Assess: one answer, three failures (unknown, 500, timeout), two retries each for the 500 and the timeout.
    expect(stack.tally.total('Calls', { status: 'answered' })).toBe(1);
    expect(stack.tally.total('Calls', { status: 'failed' })).toBe(3);
    expect(stack.tally.total('Calls', { status: 'retrying' })).toBe(4);
    expect(stack.tally.total('Calls', { status: 'waiting' })).toBeGreaterThan(0);
  });
});
