import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommand, stateBanner } from '../../functions/cli/commands/start.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { killServingProcesses, type ServingProcess, startServingProcess } from './serve-process.ts';

/** 2 virtual minutes per real second: the 30-minute cart wait comes due 15 s after the cart, well after the kill. */
const SPEED = '120';

let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-data-'));
  // One virtual timeline for every process: 10:00 in London when the test starts, so no quiet hours hold a send.
  env = {
    CAIRN_DATA: dir,
    CAIRN_SPEED: SPEED,
    CAIRN_BASE: String(Date.parse('2026-11-02T10:00:00Z')),
    CAIRN_BASE_WALL: String(Date.now()),
  };
});
afterAll(async () => {
  killServingProcesses();
  await rm(dir, { recursive: true, force: true });
});

const signUp = (userId: string): PutEventsRequestEntry => ({
  Source: 'com.example.shop',
  DetailType: 'Signed Up',
  Detail: JSON.stringify({ userId, traits: { email: `${userId}@example.com`, timezone: 'Europe/London' } }),
});

async function put(stack: ServingProcess, entries: PutEventsRequestEntry[]): Promise<void> {
  const client = localEventBridge(stack.endpoint);
  const response = await client.send(new PutEventsCommand({ Entries: entries }));
  client.destroy();
  expect(response.FailedEntryCount).toBe(0);
}

const sends = (stack: ServingProcess) =>
  stack.lines.flatMap(({ sent }) => (sent ? [`${sent.journeyId} ${sent.userId}`] : []));

describe('npm start -- --serve --data DIR', () => {
  it('keeps state, queues and timers across a crash: nothing acknowledged is lost, nothing is sent twice', async () => {
    // Prepare: a customer signs up and fills a cart; the welcome goes out, then the process is killed before
    // the cart's 30-minute wait is due.
    const first = await startServingProcess(env);
    expect(first.lines[0]?.state).toBe(dir);
    await put(first, [
      signUp('usr_a'),
      {
        Source: 'com.example.shop',
        DetailType: 'Product Added',
        Detail: JSON.stringify({ userId: 'usr_a', properties: { cartId: 'c1', name: 'Grinder', price: 90 } }),
      },
    ]);
    await first.waitFor((line) => line.sent?.journeyId === 'welcome-series', 60_000);
    await first.kill();
    expect(sends(first)).toEqual(['welcome-series usr_a']);

    // Act: a process that acknowledges events and is killed before it handles them, then one that works.
    const second = await startServingProcess({ ...env, CAIRN_WORK: '0' });
    await put(second, [signUp('usr_q1'), signUp('usr_q2'), signUp('usr_q3')]);
    await second.kill();
    const third = await startServingProcess(env);
    await third.waitFor((line) => line.sent?.journeyId === 'cart-abandonment', 90_000);
    for (const user of ['usr_q1', 'usr_q2', 'usr_q3'])
      await third.waitFor((line) => line.sent?.userId === user, 60_000);
    // Long enough for a second copy of anything to have gone out too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await third.kill();

    // Assess: the timer fired after the restart, the acknowledged events were handled, each message once.
    expect(sends(second)).toEqual([]);
    expect(sends(third).sort()).toEqual([
      'cart-abandonment usr_a',
      'welcome-series usr_q1',
      'welcome-series usr_q2',
      'welcome-series usr_q3',
    ]);
    expect(third.lines.filter((line) => line.error)).toEqual([]);
  }, 300_000);
});

describe('where a served stack says its state lives', () => {
  it('says the state is in memory without --data, and names the folder with it', () => {
    // Act
    const inMemory = stateBanner(undefined);
    const kept = stateBanner('/var/cairn');

    // Assess
    expect(inMemory).toContain(
      'in memory: stopping the stack loses customer state, timers and queued events',
    );
    expect(kept).toContain('kept in /var/cairn');
    expect(kept).toContain('/var/cairn/table');
  });

  it('refuses --data without --serve, naming the option', async () => {
    // Prepare
    const errors: string[] = [];

    // Act
    const code = await startCommand(['--data', 'somewhere'], {
      stdout: () => {},
      stderr: (line) => errors.push(line),
      readFile: async () => '',
    });

    // Assess
    expect(code).toBe(2);
    expect(errors).toEqual([
      'cairn start: --data DIR keeps the state of a served stack; use it with --serve',
    ]);
  });
});
