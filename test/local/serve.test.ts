import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../../functions/local/clock.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { serveStack } from '../../functions/local/serve.ts';
import { type LocalStack, type SentMessage, startLocalStack } from '../../functions/local/stack.ts';

const MINUTE = 60_000;
/** 10 virtual minutes per real second: the 30-minute cart wait passes in about 3 s. */
const SPEED = 600;

let stack: LocalStack;
let clock: ScaledClock;
beforeAll(async () => {
  // 10:00 in London, so that no quiet hours hold the reminder.
  clock = new ScaledClock(SPEED, Date.parse('2026-11-02T10:00:00Z'));
  stack = await startLocalStack({ journeysDir: 'journeys', clock });
});
afterAll(async () => {
  await stack.stop();
});

describe('serveStack (npm start -- --serve)', () => {
  it('runs queues and the per-minute timer sweep on a running clock, for events put by hand', async () => {
    // Prepare
    const heard: SentMessage[] = [];
    const errors: unknown[] = [];
    const serving = serveStack(
      stack,
      clock,
      (m) => heard.push(m),
      (e) => errors.push(e),
      20,
    );
    const putAt = clock.now();
    const client = localEventBridge(stack.endpoint);

    // Act: a sign-up and a cart, as an app would send them, then wait for the reminder.
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'com.example.shop',
            DetailType: 'Signed Up',
            Detail: JSON.stringify({
              userId: 'usr_s',
              traits: { email: 's@example.com', timezone: 'Europe/London' },
            }),
          },
          {
            Source: 'com.example.shop',
            DetailType: 'Product Added',
            Detail: JSON.stringify({
              userId: 'usr_s',
              properties: { cartId: 'c_s', name: 'Grinder', price: 90 },
            }),
          },
        ],
      }),
    );
    client.destroy();
    for (let waited = 0; waited < 30_000 && heard.length < 2; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await serving.stop();

    // Assess
    expect(errors).toEqual([]);
    expect(heard.map((m) => [m.journeyId, m.summary])).toEqual([
      ['welcome-series', 'Welcome to Example Roasters, coffee lover'],
      ['cart-abandonment', 'Hi, you left something in your cart'],
    ]);
    const reminder = heard[1];
    expect(reminder?.at).toBeGreaterThanOrEqual(putAt + 30 * MINUTE);
    // A tick slowed by a busy machine makes it late by its own length in virtual time, never early.
    expect(reminder?.at).toBeLessThan(putAt + 60 * MINUTE);
  });
});
