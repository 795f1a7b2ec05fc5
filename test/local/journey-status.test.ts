import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../functions/adapters/dynamodb/customer-state-store.ts';
import { main } from '../../functions/cli/main.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { CATALOG_MAX_AGE_MS } from '../../functions/core/runtime/journey-catalog.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';
import { memoryIo } from '../cli/support.ts';
import { useLocalAwsEnvironment } from '../support/local-aws-environment.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

let stack: LocalStack;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(T0);
  stack = await startLocalStack({ journeysDir: 'journeys', clock });
});
afterAll(async () => {
  await stack.stop();
});
useLocalAwsEnvironment(() => stack.dynamo.endpoint);

/** `cairn journeys ...` on the local stack's table, `cairn-local`, as a person would run it. */
async function cairnJourneys(...args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(['journeys', ...args, '--env', 'local', '--region', 'local'], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Puts a sign-up through PutEvents at the clock's time and runs the handlers; the customer's enrollments. */
async function signUp(userId: string): Promise<string[]> {
  const client = localEventBridge(stack.endpoint);
  try {
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'com.example.shop',
            DetailType: 'Signed Up',
            Time: new Date(clock.now()),
            Detail: JSON.stringify({ userId, traits: { email: `${userId}@example.com` } }),
          },
        ],
      }),
    );
  } finally {
    client.destroy();
  }
  await stack.drain();
  const states = new DynamoCustomerStateStore({ client: stack.dynamo.documents, tableName: stack.tableName });
  const stored = await states.load(userId);
  return stored?.state.enrollments.map((e) => e.journeyId) ?? [];
}

describe('journey statuses on the local stack: the registry in its table, as on AWS', () => {
  it('registers the shipped journeys at start, so `cairn journeys list` shows them', async () => {
    // Act
    const listed = await cairnJourneys('list');

    // Assess
    expect(listed).toMatchObject({ code: 0, err: '' });
    for (const id of ['cart-abandonment', 'welcome-series', 'win-back'])
      expect(listed.out).toMatch(new RegExp(`^\\s*${id}\\s+active\\s+active\\s+-`, 'm'));
  });

  it("honours a pause made with `cairn journeys` once the handlers' catalog is a minute old, and a resume too", async () => {
    // Prepare
    const before = await signUp('usr_before');

    // Act
    const paused = await cairnJourneys('pause', 'welcome-series', '--by', 'test', '--reason', 'local check');
    clock.advanceTo(T0 + CATALOG_MAX_AGE_MS - 1);
    const withinTheMinute = await signUp('usr_within');
    clock.advanceTo(T0 + CATALOG_MAX_AGE_MS);
    const afterTheMinute = await signUp('usr_after');
    const resumed = await cairnJourneys('resume', 'welcome-series', '--by', 'test');
    clock.advanceTo(T0 + 2 * CATALOG_MAX_AGE_MS);
    const afterTheResume = await signUp('usr_resumed');

    // Assess
    expect(paused.code).toBe(0);
    expect(resumed.code).toBe(0);
    expect([before, withinTheMinute, afterTheMinute, afterTheResume]).toEqual([
      ['welcome-series'],
      ['welcome-series'],
      [],
      ['welcome-series'],
    ]);
  });
});
