import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../functions/local/clock.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { serveStack } from '../../functions/local/serve.ts';
import { type LocalStack, type SentMessage, startLocalStack } from '../../functions/local/stack.ts';

/** 10 virtual minutes per real second: the 30-minute cart wait comes due after about 3 s of input. */
const SPEED = 600;
/** The input rate the issue names, and how long it lasts. */
const EVENTS_PER_SECOND = 300;
const INPUT_MS = 5_000;

let stack: LocalStack;
let clock: ScaledClock;
beforeAll(async () => {
  // 10:00 in London, so that no quiet hours hold anything.
  clock = new ScaledClock(SPEED, Date.parse('2026-11-02T10:00:00Z'));
  stack = await startLocalStack({ journeysDir: 'journeys', clock, serving: true });
});
afterAll(async () => {
  await stack.stop();
});

const signUp = (userId: string) => ({
  Source: 'com.example.shop',
  DetailType: 'Signed Up',
  Detail: JSON.stringify({ userId, traits: { email: `${userId}@example.com`, timezone: 'Europe/London' } }),
});

describe('npm start -- --serve under load', () => {
  it('sends and fires timers while 300 events/s keep arriving, each send soon after its event was acknowledged', async () => {
    // Prepare: a cart whose 30-minute timeout falls due while the input goes on.
    const heard: { message: SentMessage; wallAt: number }[] = [];
    const errors: unknown[] = [];
    const serving = serveStack(
      stack,
      clock,
      (message) => heard.push({ message, wallAt: Date.now() }),
      (e) => errors.push(e),
      20,
    );
    const client = localEventBridge(stack.endpoint);
    await client.send(
      new PutEventsCommand({
        Entries: [
          signUp('usr_cart'),
          {
            Source: 'com.example.shop',
            DetailType: 'Product Added',
            Detail: JSON.stringify({
              userId: 'usr_cart',
              properties: { cartId: 'c1', name: 'Grinder', price: 90 },
            }),
          },
        ],
      }),
    );

    // Act: sign-ups at 300 a second, ten to a PutEvents call, open loop (the next call does not wait for the last).
    const acknowledged = new Map<string, number>();
    const calls: Promise<void>[] = [];
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < INPUT_MS) {
      const due = Math.floor(((Date.now() - started) / 1000) * EVENTS_PER_SECOND);
      for (; n < due; n += 10) {
        const users = Array.from({ length: 10 }, (_, i) => `usr_${n + i}`);
        calls.push(
          client.send(new PutEventsCommand({ Entries: users.map(signUp) })).then((response) => {
            expect(response.FailedEntryCount).toBe(0);
            for (const user of users) acknowledged.set(user, Date.now());
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const inputEnded = Date.now();
    const acknowledgedDuringInput = acknowledged.size;
    await Promise.all(calls);
    for (let waited = 0; waited < 60_000 && heard.length < acknowledged.size + 2; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await serving.stop();
    client.destroy();

    // Assess: everything went out once, and much of it while the input was still arriving.
    expect(errors).toEqual([]);
    const welcomes = heard.filter(({ message }) => message.journeyId === 'welcome-series');
    expect(new Set(welcomes.map(({ message }) => message.userId)).size).toBe(welcomes.length);
    expect(welcomes.length).toBe(acknowledged.size + 1);
    const reminder = heard.find(({ message }) => message.journeyId === 'cart-abandonment');
    expect(reminder?.wallAt).toBeLessThan(inputEnded);
    const sentDuringInput = welcomes.filter(({ wallAt }) => wallAt < inputEnded).length;
    expect(sentDuringInput).toBeGreaterThan(acknowledgedDuringInput / 2);
    // The lag from acknowledgement to send is bounded by the backlog the endpoint admits, not by the input.
    const lags = welcomes
      .filter(({ message }) => acknowledged.has(message.userId))
      .map(({ message, wallAt }) => wallAt - (acknowledged.get(message.userId) ?? 0));
    expect(Math.max(...lags)).toBeLessThan(5_000);
  }, 90_000);
});
