import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoCustomerStateStore } from '../../functions/adapters/dynamodb/customer-state-store.ts';
import { VirtualClock } from '../../functions/core/runtime/clock.ts';
import { runUntil } from '../../functions/core/runtime/drive.ts';
import { localEventBridge } from '../../functions/local/replay.ts';
import { type LocalStack, startLocalStack } from '../../functions/local/stack.ts';

/** The part of an SES v2 SendEmail input this test reads. */
const SendEmailRequest = z.looseObject({
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })),
});

const T0 = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;

let stack: LocalStack;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(T0);
  stack = await startLocalStack({ journeysDir: 'journeys', clock });
});
afterAll(async () => {
  await stack.stop();
});

/** What an app puts: a sign-up with an email address only, then a product added to a cart. */
const entries: PutEventsRequestEntry[] = [
  {
    Source: 'com.example.shop',
    DetailType: 'Signed Up',
    Time: new Date(T0),
    Detail: JSON.stringify({
      userId: 'usr_e2e',
      eventId: 'usr_e2e-signed-up',
      traits: { email: 'ana@example.com', firstName: 'Ana', timezone: 'Europe/London' },
    }),
  },
  {
    Source: 'com.example.shop',
    DetailType: 'Product Added',
    Time: new Date(T0 + MINUTE),
    Detail: JSON.stringify({
      userId: 'usr_e2e',
      eventId: 'usr_e2e-cart-1-added',
      properties: { cartId: 'cart_1', productId: 'p_1', name: 'Gooseneck Kettle', price: 49, quantity: 1 },
    }),
  },
];

async function putAll(): Promise<void> {
  const client = localEventBridge(stack.endpoint);
  try {
    const response = await client.send(new PutEventsCommand({ Entries: entries }));
    expect(response.FailedEntryCount).toBe(0);
  } finally {
    client.destroy();
  }
}

describe('the local stack, end to end', () => {
  it('takes events from the real EventBridge client, fires the cart timeout and sends the rendered email once', async () => {
    // Act: the app's events, then 31 minutes of virtual time for the 30-minute wait to time out.
    await putAll();
    await runUntil(stack, clock, T0 + 31 * MINUTE);

    // Assess: the welcome email and the cart reminder, rendered, in the local SES store.
    const emails = await stack.ses.emails();
    expect(emails.map((e) => e.subject)).toEqual([
      'Welcome to Example Roasters, Ana',
      'Ana, you left something in your cart',
    ]);
    const reminder = emails[1];
    expect(reminder?.destination.to).toEqual(['ana@example.com']);
    expect(reminder?.body.html).toContain('<strong>Gooseneck Kettle</strong>');
    expect(reminder?.body.html).toContain(
      'https://shop.example.com/cart/cart_1?utm_campaign=cart-abandonment',
    );
    expect(reminder?.body.text).toContain('Gooseneck Kettle');
    const header = (name: string) => reminder?.headers?.find((h) => h.name === name)?.value;
    expect(header('List-Unsubscribe')).toMatch(new RegExp(`^<${stack.endpoint}/unsubscribe\\?token=`));
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(stack.tally.total('Enrollments')).toBe(2);
    expect(stack.tally.total('TimersFired')).toBe(1);
    // The tags feedback reads back: SES keeps them out of its store, so the request itself is checked.
    const request = SendEmailRequest.parse(stack.sesRequests[1]);
    expect(request.EmailTags).toEqual([
      { Name: 'cairn-user', Value: 'usr_e2e' },
      { Name: 'cairn-journey', Value: 'cart-abandonment' },
      { Name: 'cairn-step', Value: 'remind' },
      { Name: 'cairn-message', Value: expect.stringMatching(/^_x.+_3aremind_3a/) },
    ]);
  });

  it('adds no enrollment and no message when the same events are put again', async () => {
    // Prepare
    const enrollments = stack.tally.total('Enrollments');
    const emails = (await stack.ses.emails()).length;

    // Act: EventBridge gives each put a new id; the events' own eventId makes them the same events.
    await putAll();
    await runUntil(stack, clock, T0 + 2 * 60 * MINUTE);

    // Assess
    expect(stack.tally.total('DuplicateEvents')).toBe(2);
    expect(stack.tally.total('Enrollments')).toBe(enrollments);
    expect(await stack.ses.emails()).toHaveLength(emails);
  });

  it('serves the unsubscribe link of the email: a one-click POST opts the customer out', async () => {
    // Prepare
    const reminder = (await stack.ses.emails())[1];
    const link = reminder?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value.slice(1, -1) ?? '';

    // Act: what a mail client does for RFC 8058 one-click.
    const response = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    await stack.drain();

    // Assess
    expect(response.status).toBe(200);
    const states = new DynamoCustomerStateStore({
      client: stack.dynamo.documents,
      tableName: stack.tableName,
    });
    const loaded = await states.load('usr_e2e');
    expect(loaded?.state.profile.consent['email:marketing']).toMatchObject({ status: 'opted_out' });
  });

  it('refuses entries as EventBridge does, each with its own error', async () => {
    // Prepare
    const client = localEventBridge(stack.endpoint);

    // Act
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'com.example.shop', DetailType: 'Signed Up', Detail: '[1, 2]' },
          { DetailType: 'Signed Up', Detail: '{}' },
          { Source: 'com.example.shop', DetailType: 'Page Viewed', Detail: '{"userId":"usr_e2e"}' },
        ],
      }),
    );
    client.destroy();

    // Assess
    expect(response.FailedEntryCount).toBe(2);
    expect(response.Entries?.map((e) => e.ErrorCode)).toEqual([
      'MalformedDetail',
      'InvalidArgument',
      undefined,
    ]);
    expect(response.Entries?.[2]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
