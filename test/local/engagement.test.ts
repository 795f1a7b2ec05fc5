import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { runUntil } from '../../functions/core/runtime/drive.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';
import { sesEngagementEvent } from '../support/ses-feedback.ts';

/** The part of an SES v2 SendEmail input this test reads: where it goes and the tags SES will echo. */
const SendEmailRequest = z.looseObject({
  Destination: z.looseObject({ ToAddresses: z.array(z.string()) }),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })),
});

const T0 = Date.parse('2026-11-02T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stack: LocalStack;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(T0);
  stack = await startLocalStack({ journeysDir: 'journeys', clock });
});
afterAll(async () => {
  await stack.stop();
});

async function subscribe(users: string[]): Promise<void> {
  const client = localEventBridge(stack.endpoint);
  try {
    const response = await client.send(
      new PutEventsCommand({
        Entries: users.map((user) => ({
          Source: 'com.example.shop',
          DetailType: 'Newsletter Subscribed',
          Time: new Date(T0),
          Detail: JSON.stringify({ userId: user, traits: { email: `${user}@example.com` } }),
        })),
      }),
    );
    expect(response.FailedEntryCount).toBe(0);
  } finally {
    client.destroy();
  }
}

describe('the local stack: engagement from SES feedback', () => {
  it('takes the opened branch from an SES open event through the feedback handler, the other without one', async () => {
    // Prepare: two subscribers get the welcome email through the local SES.
    await subscribe(['usr_open', 'usr_silent']);
    await runUntil(stack, clock, T0 + HOUR / 2);
    const requests = stack.sesRequests.map((r) => SendEmailRequest.parse(r));
    const opened = requests.findIndex((r) => r.Destination.ToAddresses[0] === 'usr_open@example.com');
    const sesMessageId = stack.sent.filter((m) => m.channel === 'email')[opened]?.result ?? '';

    // Act: two hours in, SES reports the open on EventBridge, and its rule puts it on the feedback queue.
    await runUntil(stack, clock, T0 + 2 * HOUR);
    stack.feedback(
      sesEngagementEvent('Open', sesMessageId, requests[opened]?.EmailTags ?? [], T0 + 2 * HOUR),
    );
    await runUntil(stack, clock, T0 + 10 * DAY);

    // Assess
    expect(sesMessageId).not.toBe('');
    expect(stack.tally.total('FeedbackEvents')).toBe(1);
    const subjects = (await stack.ses.emails()).map((e) => `${e.destination.to[0]} ${e.subject}`);
    expect(subjects).toEqual([
      'usr_open@example.com Welcome to the Example Roasters newsletter',
      'usr_silent@example.com Welcome to the Example Roasters newsletter',
      'usr_open@example.com Our five most-read brewing stories',
      'usr_silent@example.com Did you see this? Your first issue is waiting',
    ]);
    const picks = [...stack.results.messages.values()].find((m) => m.stepId === 'picks');
    expect(picks?.at).toBe(new Date(T0 + 2 * HOUR + 2 * DAY).toISOString());
  });
});
