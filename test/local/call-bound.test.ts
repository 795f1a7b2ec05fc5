import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { runUntil } from '../../functions/core/runtime/drive.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;
const USERS = ['usr_1', 'usr_2', 'usr_3', 'usr_4', 'usr_5', 'usr_6', 'usr_7'];

let server: Server;
let stack: LocalStack;
let clock: VirtualClock;
let folder: string;
let inFlight = 0;
let mostInFlight = 0;
let requests = 0;

beforeAll(async () => {
  // A target that takes 100 ms to answer and counts the requests it has open at once.
  server = createServer((request, response) => {
    request.resume();
    requests++;
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    }, 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  folder = await mkdtemp(join(tmpdir(), 'cairn-call-bound-'));
  await writeFile(
    join(folder, 'bounded.yaml'),
    `id: bounded
name: Bounded
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - id: notify
    type: call
    http: { url: "http://127.0.0.1:${port}/hook", maxConcurrent: 2 }
    timeout: PT5S
    next: done
  - { id: done, type: exit }
`,
  );
  await cp('journeys/templates', join(folder, 'templates'), { recursive: true });
  await cp('journeys/policies.yaml', join(folder, 'policies.yaml'));
  clock = new VirtualClock(T0);
  // Four calls at once, as four calls function instances would make them.
  stack = await startLocalStack({ journeysDir: folder, clock, callWorkers: 4 });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(folder, { recursive: true, force: true });
});

describe('a call target with maxConcurrent on the local stack', () => {
  it('never has more than its bound in flight against a real loopback server, and makes every call once', async () => {
    // Prepare
    const client = localEventBridge(stack.endpoint);
    const Entries = USERS.map((userId) => ({
      Source: 'com.example.shop',
      DetailType: 'Signed Up',
      Time: new Date(T0),
      Detail: JSON.stringify({ userId, eventId: `${userId}-signup` }),
    }));

    // Act
    try {
      expect((await client.send(new PutEventsCommand({ Entries }))).FailedEntryCount).toBe(0);
    } finally {
      client.destroy();
    }
    // A call put back runs at the next minute, as a delayed message does under runUntil.
    await runUntil(stack, clock, T0 + 5 * MINUTE);

    // Assess
    expect(mostInFlight).toBe(2);
    expect(requests).toBe(USERS.length);
    expect(stack.tally.total('Calls', { status: 'answered' })).toBe(USERS.length);
    expect(stack.tally.total('Calls', { status: 'throttled' })).toBeGreaterThan(0);
    expect([...stack.results.calls.values()].every((c) => c.ok)).toBe(true);
  });
});
