import {
  BadRequestException,
  type DeliveryStatus,
  InternalServerErrorException,
  type MessageResult,
  PinpointClient,
  SendMessagesCommand,
  type SendMessagesCommandInput,
  TooManyRequestsException,
} from '@aws-sdk/client-pinpoint';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MARKETING_TTL_SECONDS,
  PinpointPushChannel,
  TRANSACTIONAL_TTL_SECONDS,
} from '../../../functions/adapters/push/push-channel.ts';
import { newCustomerState, type SendIntent } from '../../../functions/core/engine/state.ts';
import type { ChannelResult, PushMessage } from '../../../functions/core/ports/channel.ts';
import type { PushDevice } from '../../../functions/core/profile/profile.ts';
import { composeMessage } from '../../../functions/core/runtime/compose.ts';
import { sampleComposer } from '../../handlers/support.ts';
import { instantRetries, jitterCeilings, sendIntent } from '../channels/support.ts';

const pinpoint = mockClient(PinpointClient);
afterEach(() => pinpoint.reset());

const APP = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const NOW = Date.parse('2026-11-02T10:44:00Z');
const IPHONE = 'apns-token-iphone';
const IPAD = 'apns-token-ipad-sandbox';
const PIXEL = 'fcm-token-pixel';
const IDS = {
  'cairn-user': 'usr_1002',
  'cairn-journey': 'cart-abandonment',
  'cairn-step': 'remind',
  'cairn-message': 'cart-abandonment:usr_1002:9c1e:remind:1',
};

const device = (token: string, platform: PushDevice['platform']): PushDevice => ({
  token,
  platform,
  lastSeenAt: 0,
  active: true,
});

function pushMessage(
  options: { intent?: Partial<SendIntent>; url?: string; devices?: PushDevice[] } = {},
): PushMessage {
  return {
    channel: 'push',
    intent: sendIntent(options.intent),
    devices: options.devices ?? [device(IPHONE, 'APNS'), device(IPAD, 'APNS_SANDBOX'), device(PIXEL, 'FCM')],
    content: {
      channel: 'push',
      title: 'Still thinking it over?',
      body: 'Ethiopia Yirgacheffe is waiting in your cart. Use CART10 for 10% off today.',
      ...(options.url === undefined
        ? { url: 'exampleshop://cart/c-77' }
        : options.url
          ? { url: options.url }
          : {}),
      imageUrl: 'https://shop.example.com/img/yirgacheffe.jpg',
      data: { cartId: 'c-77', discountCode: 'CART10' },
      templateId: 'cart-reminder',
      locale: 'default',
    },
  };
}

function channel(draws: number[] = []) {
  const { retry, sleeps } = instantRetries(draws);
  const adapter = new PinpointPushChannel({
    client: new PinpointClient({ region: 'eu-west-1' }),
    applicationId: APP,
    retry,
    now: () => NOW,
  });
  return { adapter, sleeps };
}

/** The answer without its delivery events, for the tests about something else (one test checks them). */
function withoutEvents(sent: ChannelResult): ChannelResult {
  const { events: _events, ...rest } = sent;
  return rest;
}

const result = (DeliveryStatus: DeliveryStatus, extra: Partial<MessageResult> = {}): MessageResult => ({
  DeliveryStatus,
  StatusCode: DeliveryStatus === 'SUCCESSFUL' ? 200 : 400,
  ...extra,
});
const answer = (results: Record<string, MessageResult>) => ({
  MessageResponse: { ApplicationId: APP, RequestId: 'req-1', Result: results },
});
const sentInputs = (): SendMessagesCommandInput[] =>
  pinpoint.commandCalls(SendMessagesCommand).map((call) => call.args[0].input);
const addressesOf = (input: SendMessagesCommandInput | undefined) =>
  Object.keys(input?.MessageRequest?.Addresses ?? {});

describe('PinpointPushChannel: the request', () => {
  it('addresses every device by token, with APNs and FCM configs, the ids, TTL and priority', async () => {
    // Prepare
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        [IPHONE]: result('SUCCESSFUL', { MessageId: 'push-1' }),
        [IPAD]: result('SUCCESSFUL', { MessageId: 'push-2' }),
        [PIXEL]: result('SUCCESSFUL', { MessageId: 'push-3' }),
      }),
    );
    const { adapter } = channel();

    // Act
    const sent = await adapter.send(pushMessage());

    // Assess
    const common = {
      Title: 'Still thinking it over?',
      Body: 'Ethiopia Yirgacheffe is waiting in your cart. Use CART10 for 10% off today.',
      Action: 'DEEP_LINK',
      Url: 'exampleshop://cart/c-77',
      Data: { cartId: 'c-77', discountCode: 'CART10', ...IDS },
      TimeToLive: MARKETING_TTL_SECONDS,
    } as const;
    const expected: SendMessagesCommandInput = {
      ApplicationId: APP,
      MessageRequest: {
        Addresses: {
          [IPHONE]: { ChannelType: 'APNS' },
          [IPAD]: { ChannelType: 'APNS_SANDBOX' },
          [PIXEL]: { ChannelType: 'GCM' },
        },
        Context: IDS,
        MessageConfiguration: {
          APNSMessage: { ...common, MediaUrl: 'https://shop.example.com/img/yirgacheffe.jpg', Priority: '5' },
          GCMMessage: {
            ...common,
            ImageUrl: 'https://shop.example.com/img/yirgacheffe.jpg',
            Priority: 'normal',
          },
        },
      },
    };
    expect(sentInputs()).toEqual([expected]);
    expect(withoutEvents(sent)).toEqual({ ok: true, providerMessageId: 'push-1' });
  });

  it('addresses a device whose token is __proto__ by that token, as any other', async () => {
    // Prepare: a token is whatever an app sent in context.device.token.
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        ['__proto__']: result('SUCCESSFUL', { MessageId: 'push-1' }),
        [PIXEL]: result('SUCCESSFUL'),
      }),
    );
    const { adapter } = channel();

    // Act
    await adapter.send(pushMessage({ devices: [device('__proto__', 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    const addresses = sentInputs()[0]?.MessageRequest?.Addresses ?? {};
    expect(Object.getPrototypeOf(addresses)).toBe(Object.prototype);
    expect(Object.keys(addresses)).toEqual(['__proto__', PIXEL]);
  });

  it('opens a web link as a URL action, and sends transactional pushes at high priority for longer', async () => {
    // Prepare
    pinpoint.on(SendMessagesCommand).resolves(answer({ [PIXEL]: result('SUCCESSFUL', { MessageId: 'p' }) }));
    const { adapter } = channel();

    // Act
    await adapter.send(
      pushMessage({
        url: 'https://shop.example.com/orders/42',
        intent: { category: 'transactional' },
        devices: [device(PIXEL, 'FCM')],
      }),
    );

    // Assess
    const config = sentInputs()[0]?.MessageRequest?.MessageConfiguration;
    expect(config?.GCMMessage).toMatchObject({
      Action: 'URL',
      Url: 'https://shop.example.com/orders/42',
      Priority: 'high',
      TimeToLive: TRANSACTIONAL_TTL_SECONDS,
    });
    expect(config?.APNSMessage).toMatchObject({ Action: 'URL', Priority: '10' });
  });

  it('opens the app when the template has no link', async () => {
    // Prepare
    pinpoint.on(SendMessagesCommand).resolves(answer({ [PIXEL]: result('SUCCESSFUL', { MessageId: 'p' }) }));
    const { adapter } = channel();

    // Act
    await adapter.send(pushMessage({ url: '', devices: [device(PIXEL, 'FCM')] }));

    // Assess
    const gcm = sentInputs()[0]?.MessageRequest?.MessageConfiguration?.GCMMessage;
    expect(gcm?.Action).toBe('OPEN_APP');
    expect(gcm).not.toHaveProperty('Url');
  });
});

describe('push to a customer with active and inactive devices: composed, then sent', () => {
  it('addresses the active devices only, not the one whose token was refused for good', async () => {
    // Prepare: the Pixel's token was deactivated after FCM called it unregistered; the profile keeps it listed.
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        [IPHONE]: result('SUCCESSFUL', { MessageId: 'push-1' }),
        [IPAD]: result('SUCCESSFUL', { MessageId: 'push-2' }),
      }),
    );
    const state = newCustomerState('usr_1002');
    state.profile.devices = [
      device(IPHONE, 'APNS'),
      { ...device(PIXEL, 'FCM'), active: false },
      device(IPAD, 'APNS_SANDBOX'),
    ];
    const intent = sendIntent({
      trigger: {
        id: 'evt-cart-added',
        source: 'com.example.shop',
        'detail-type': 'Product Added',
        time: '2026-11-02T10:00:00Z',
        detail: { userId: 'usr_1002', properties: { cartId: 'c-77', name: 'Ethiopia Yirgacheffe' } },
      },
    });
    const { adapter } = channel();

    // Act
    const composed = composeMessage(intent, 'push', state, await sampleComposer());
    if (!composed.ok || composed.message.channel !== 'push') throw new Error(JSON.stringify(composed));
    const sent = await adapter.send(composed.message);

    // Assess
    expect(sentInputs()).toHaveLength(1);
    expect(sentInputs()[0]?.MessageRequest?.Addresses).toEqual({
      [IPHONE]: { ChannelType: 'APNS' },
      [IPAD]: { ChannelType: 'APNS_SANDBOX' },
    });
    expect(withoutEvents(sent)).toEqual({ ok: true, providerMessageId: 'push-1' });
  });
});

describe('PinpointPushChannel: the results', () => {
  it('turns an UpdatedToken into a device change, and the message is sent', async () => {
    // Prepare
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        [PIXEL]: result('SUCCESSFUL', { MessageId: 'push-9', UpdatedToken: 'fcm-token-pixel-v2' }),
      }),
    );
    const { adapter } = channel();

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(PIXEL, 'FCM')] }));

    // Assess
    expect(withoutEvents(sent)).toEqual({
      ok: true,
      providerMessageId: 'push-9',
      deviceChanges: [{ kind: 'updated', token: PIXEL, updatedToken: 'fcm-token-pixel-v2' }],
    });
  });

  it('deactivates a token that failed for good, sends when another device took it, and tells each status as an event', async () => {
    // Prepare
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        [IPHONE]: result('PERMANENT_FAILURE', { StatusCode: 410, StatusMessage: 'Unregistered' }),
        [PIXEL]: result('SUCCESSFUL', { MessageId: 'push-4' }),
      }),
    );
    const { adapter } = channel();

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    expect(withoutEvents(sent)).toEqual({
      ok: true,
      providerMessageId: 'push-4',
      deviceChanges: [{ kind: 'deactivated', token: IPHONE, reason: 'PERMANENT_FAILURE: Unregistered' }],
    });
    // Each device's final status, as an event journeys can wait for.
    const properties = {
      journeyId: IDS['cairn-journey'],
      stepId: IDS['cairn-step'],
      messageId: IDS['cairn-message'],
    };
    const event = (name: string, providerMessageId: string, deliveryStatus: string) => ({
      version: '0',
      resources: [],
      id: `${providerMessageId}:${name}`,
      source: 'cairn.feedback',
      'detail-type': name,
      time: new Date(NOW).toISOString(),
      detail: { userId: IDS['cairn-user'], properties: { ...properties, deliveryStatus } },
    });
    expect(sent.events).toEqual([
      event('Push Failed', `${IDS['cairn-message']}:${IPHONE.slice(0, 12)}`, 'PERMANENT_FAILURE'),
      event('Push Delivered', 'push-4', 'SUCCESSFUL'),
    ]);
  });

  it('throws when Pinpoint cannot say whether a device got it, so the send is reported, never resent', async () => {
    // Prepare: an unknown failure with no sign of a dead token.
    pinpoint
      .on(SendMessagesCommand)
      .resolves(
        answer({ [IPHONE]: result('UNKNOWN_FAILURE', { StatusCode: 500, StatusMessage: 'Internal error' }) }),
      );
    const { adapter, sleeps } = channel();

    // Act
    const sending = adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS')] }));

    // Assess
    await expect(sending).rejects.toThrow(
      /push outcome unknown: Pinpoint answered UNKNOWN_FAILURE for 1 device/,
    );
    expect(pinpoint.commandCalls(SendMessagesCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('refuses for good when every device refused for good, and deactivates a token the status code calls invalid', async () => {
    // Prepare: APNs' 400 BadDeviceToken, passed on by Pinpoint as an unknown failure.
    pinpoint.on(SendMessagesCommand).resolves(
      answer({
        [IPHONE]: result('UNKNOWN_FAILURE', { StatusCode: 400, StatusMessage: 'BadDeviceToken' }),
        [PIXEL]: result('OPT_OUT'),
      }),
    );
    const { adapter, sleeps } = channel();

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    expect(sent).toMatchObject({
      ok: false,
      permanent: true,
      reason:
        'push-failed: no device took it (device 1: UNKNOWN_FAILURE 400 BadDeviceToken; device 2: OPT_OUT 400)',
    });
    expect(sent.deviceChanges).toEqual([
      { kind: 'deactivated', token: PIXEL, reason: 'OPT_OUT' },
      { kind: 'deactivated', token: IPHONE, reason: 'UNKNOWN_FAILURE 400 BadDeviceToken' },
    ]);
    expect(sleeps).toEqual([]);
  });

  it('sends a throttled device again alone, and each device gets the message once', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .resolvesOnce(
        answer({
          [IPHONE]: result('SUCCESSFUL', { MessageId: 'push-5' }),
          [PIXEL]: result('THROTTLED', { StatusCode: 429 }),
        }),
      )
      .resolves(answer({ [PIXEL]: result('SUCCESSFUL', { MessageId: 'push-6' }) }));
    const { adapter, sleeps } = channel([0.5]);

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    expect(withoutEvents(sent)).toEqual({ ok: true, providerMessageId: 'push-5' });
    expect(sentInputs().map(addressesOf)).toEqual([[IPHONE, PIXEL], [PIXEL]]);
    expect(sleeps).toEqual([0.5 * (jitterCeilings(1)[0] ?? 0)]);
  });

  it('keeps the answer of a device that took the message when the retry for another one fails', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .resolvesOnce(
        answer({
          [IPHONE]: result('SUCCESSFUL', { MessageId: 'push-8', UpdatedToken: 'apns-token-iphone-v2' }),
          [PIXEL]: result('TEMPORARY_FAILURE'),
        }),
      )
      .rejects(new BadRequestException({ message: 'Invalid request', $metadata: { httpStatusCode: 400 } }));
    const { adapter } = channel();

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    expect(withoutEvents(sent)).toEqual({
      ok: true,
      providerMessageId: 'push-8',
      deviceChanges: [{ kind: 'updated', token: IPHONE, updatedToken: 'apns-token-iphone-v2' }],
    });
    expect(sentInputs().map(addressesOf)).toEqual([[IPHONE, PIXEL], [PIXEL]]);
  });

  it('retries a throttled request, and the message is sent once', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .rejectsOnce(
        new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }),
      )
      .resolves(answer({ [PIXEL]: result('SUCCESSFUL', { MessageId: 'push-7' }) }));
    const { adapter, sleeps } = channel([0.9]);

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(PIXEL, 'FCM')] }));

    // Assess
    expect(withoutEvents(sent)).toEqual({ ok: true, providerMessageId: 'push-7' });
    const calls = await Promise.allSettled(
      pinpoint.commandCalls(SendMessagesCommand).map((c) => c.returnValue),
    );
    expect(calls.map((c) => c.status)).toEqual(['rejected', 'fulfilled']);
    const [ceiling = 0] = jitterCeilings(1);
    expect(sleeps).toEqual([0.9 * ceiling]);
    expect(sleeps[0]).toBeLessThan(ceiling);
  });

  it('does not retry a request Pinpoint refuses as bad', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .rejects(
        new BadRequestException({ message: 'Invalid ChannelType', $metadata: { httpStatusCode: 400 } }),
      );
    const { adapter, sleeps } = channel();

    // Act
    const sent = await adapter.send(pushMessage());

    // Assess
    expect(withoutEvents(sent)).toEqual({
      ok: false,
      permanent: true,
      reason: 'BadRequestException: Invalid ChannelType',
    });
    expect(sentInputs()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the retries when Pinpoint stays down, with a failure that is not permanent', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .rejects(
        new InternalServerErrorException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } }),
      );
    const { adapter, sleeps } = channel();

    // Act
    const sent = await adapter.send(pushMessage());

    // Assess
    expect(withoutEvents(sent)).toEqual({
      ok: false,
      permanent: false,
      reason: 'retries-exhausted after 4 attempts: InternalServerErrorException: Internal error',
    });
    expect(sentInputs()).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('gives up on a device that stays throttled, keeping the changes of the others', async () => {
    // Prepare
    pinpoint
      .on(SendMessagesCommand)
      .resolvesOnce(answer({ [IPHONE]: result('PERMANENT_FAILURE'), [PIXEL]: result('THROTTLED') }))
      .resolves(answer({ [PIXEL]: result('THROTTLED') }));
    const { adapter } = channel();

    // Act
    const sent = await adapter.send(pushMessage({ devices: [device(IPHONE, 'APNS'), device(PIXEL, 'FCM')] }));

    // Assess
    expect(sent).toMatchObject({
      ok: false,
      permanent: false,
      reason: expect.stringMatching(/^retries-exhausted after 4 attempts: .*device 2: THROTTLED/),
      deviceChanges: [{ kind: 'deactivated', token: IPHONE, reason: 'PERMANENT_FAILURE' }],
    });
    expect(sentInputs().map(addressesOf)).toEqual([[IPHONE, PIXEL], [PIXEL], [PIXEL], [PIXEL]]);
  });
});
