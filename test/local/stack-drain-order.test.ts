import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../functions/adapters/dynamodb/customer-state-store.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { runUntil } from '../../functions/core/runtime/drive.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';

/** 21:50 in London: the cart wait times out at 22:20, in the quiet hours (22:00 to 08:00, hold). */
const T0 = Date.parse('2026-11-02T21:50:00Z');
const QUIET_HOURS_END = Date.parse('2026-11-03T08:00:00Z');
const SECOND = 1000;

let stack: LocalStack;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(T0);
  stack = await startLocalStack({ journeysDir: 'journeys', clock });
});
afterAll(async () => {
  await stack.stop();
});

async function put(entries: PutEventsRequestEntry[]): Promise<void> {
  const client = localEventBridge(stack.endpoint);
  try {
    const response = await client.send(new PutEventsCommand({ Entries: entries }));
    expect(response.FailedEntryCount).toBe(0);
  } finally {
    client.destroy();
  }
}

const event = (userId: string, detailType: string, at: number, detail: object): PutEventsRequestEntry => ({
  Source: 'com.example.shop',
  DetailType: detailType,
  Time: new Date(at),
  Detail: JSON.stringify({ userId, ...detail }),
});

const cartAdded = (userId: string) =>
  event(userId, 'Product Added', T0, {
    traits: { email: `${userId}@example.com`, timezone: 'Europe/London' },
    properties: { cartId: `cart-${userId}`, name: 'Gooseneck Kettle', price: 49, quantity: 1 },
  });

describe('the local stack drains ingest before deliver', () => {
  it('decides a held send after the events queued with it: an opt-out queued with the reminder stops it', async () => {
    // Prepare: two abandoned carts whose reminders the quiet hours hold until 08:00.
    await put([cartAdded('usr_optout'), cartAdded('usr_control')]);
    await runUntil(stack, clock, QUIET_HOURS_END - 30 * SECOND);
    expect(stack.sent).toEqual([]);
    expect(stack.tally.total('SendOutcomes', { status: 'DEFERRED', reason: 'quiet_time' })).toBe(2);
    // Queued, not yet drained: one customer opts out of email half a minute before the hold ends.
    await put([
      event('usr_optout', 'Preferences Updated', clock.now(), { traits: { consent: { email: false } } }),
    ]);
    clock.advanceTo(QUIET_HOURS_END);

    // Act: both held reminders and the opt-out are visible in the one drain.
    await stack.drain();

    // Assess: the opt-out was applied before the reminders were decided again.
    expect(stack.sent.map((m) => [m.userId, m.journeyId])).toEqual([['usr_control', 'cart-abandonment']]);
    expect(stack.tally.total('SendOutcomes', { status: 'SKIPPED', reason: 'opt_out' })).toBe(1);
    const states = new DynamoCustomerStateStore({
      client: stack.dynamo.documents,
      tableName: stack.tableName,
    });
    const optedOut = await states.load('usr_optout');
    expect(optedOut?.state.profile.consent.email).toMatchObject({ status: 'opted_out' });
  });
});
