import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../functions/local/clock.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { SERVE_KEEP_LATEST } from '../../functions/local/sent-log.ts';
import { serveStack } from '../../functions/local/serve.ts';
import { startLocalStack } from '../../functions/local/stack.ts';
import { killServingProcesses, type ServingProcess, startServingProcess } from './serve-process.ts';

/** Events per phase (a multiple of the 40 put at a time): enough that the 8 to 14 KB kept per event before would be megabytes. */
const EVENTS = 320;
/**
 * V8 flags of the weighed process: without the optimising compilers, the heap does not grow with the machine
 * code they make as the run goes on (about 1 KB an event in the first minutes), which is not data kept.
 */
const INTERPRETED = ['--expose-gc', '--no-opt', '--no-sparkplug', '--no-maglev', '--no-flush-bytecode'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-memory-'));
});
afterAll(async () => {
  killServingProcesses();
  await rm(dir, { recursive: true, force: true });
});

/** Puts `count` sign-ups of new customers, ten to a call, four calls at a time. */
async function putSignUps(endpoint: string, from: number, count: number): Promise<void> {
  const client = localEventBridge(endpoint);
  for (let n = from; n < from + count; n += 40)
    await Promise.all(
      [0, 10, 20, 30].map((offset) =>
        client.send(
          new PutEventsCommand({
            Entries: Array.from({ length: 10 }, (_, i) => {
              const userId = `usr_${n + offset + i}`;
              return {
                Source: 'com.example.shop',
                DetailType: 'Signed Up',
                Detail: JSON.stringify({
                  userId,
                  traits: { email: `${userId}@example.com`, timezone: 'UTC' },
                }),
              };
            }),
          }),
        ),
      ),
    );
  client.destroy();
}

/** Puts sign-ups and waits for their welcomes. */
async function signUps(stack: ServingProcess, from: number, count: number): Promise<void> {
  await putSignUps(stack.endpoint, from, count);
  // Every welcome so far, not the last user's: sends finish out of order, so the last may not be the latest.
  const welcomes = () => stack.lines.filter((l) => l.sent?.journeyId === 'welcome-series').length;
  await stack.waitFor(() => welcomes() >= from + count, 120_000);
}

async function heapAfterGc(stack: ServingProcess): Promise<number> {
  const asked = stack.lines.length;
  stack.child.stdin?.write('gc\n');
  const line = await stack.waitFor(
    (l) => l.heapUsed !== undefined && stack.lines.indexOf(l) >= asked,
    10_000,
  );
  return line.heapUsed ?? Number.NaN;
}

describe('what a serving stack keeps', () => {
  it('keeps counters and the latest messages and emails, not a record of every message', async () => {
    // Prepare
    const clock = new ScaledClock(60, Date.parse('2026-11-02T10:00:00Z'));
    const stack = await startLocalStack({ journeysDir: 'journeys', clock, serving: true });
    const serving = serveStack(
      stack,
      clock,
      () => {},
      (error) => {
        throw error;
      },
      20,
    );
    const count = SERVE_KEEP_LATEST + 40;

    // Act
    await putSignUps(stack.endpoint, 0, count);
    for (let waited = 0; waited < 180_000 && stack.sentTotal < count; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await serving.stop();
    const emails = await stack.ses.emails();
    await stack.stop();

    // Assess: every message went out, and only the latest are kept, here and in the SES page's store.
    expect(stack.sentTotal).toBe(count);
    expect(stack.sent).toHaveLength(SERVE_KEEP_LATEST);
    expect(new Set(stack.sent.map((m) => m.userId)).size).toBe(SERVE_KEEP_LATEST);
    expect(emails).toHaveLength(SERVE_KEEP_LATEST);
    expect(stack.results.messages.size).toBe(0);
    expect(stack.results.enrollments.size).toBe(0);
    expect(stack.sesRequests).toEqual([]);
  }, 240_000);
});

describe('npm start -- --serve --data DIR over a long run', () => {
  it('keeps the retained heap flat as events go on (counters and the latest messages, not every one)', async () => {
    // Prepare: a serving stack in its own process, warmed up by a first round of events.
    const stack = await startServingProcess(
      {
        CAIRN_DATA: dir,
        // The wall clock, as `--serve` runs by default.
        CAIRN_SPEED: '1',
        CAIRN_BASE: String(Date.parse('2026-11-02T10:00:00Z')),
        CAIRN_BASE_WALL: String(Date.now()),
      },
      INTERPRETED,
    );
    await signUps(stack, 0, EVENTS);
    const before = await heapAfterGc(stack);

    // Act: as many events again.
    await signUps(stack, EVENTS, EVENTS);
    const after = await heapAfterGc(stack);
    await stack.kill();

    // Assess: every welcome went out, and the heap kept less than 1 KB per event (it kept 10 to 14 KB).
    expect(stack.lines.filter((l) => l.sent?.journeyId === 'welcome-series')).toHaveLength(2 * EVENTS);
    expect(stack.lines.filter((l) => l.error)).toEqual([]);
    expect((after - before) / EVENTS).toBeLessThan(1024);
  }, 300_000);
});
