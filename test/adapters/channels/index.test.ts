import { PinpointClient, SendMessagesCommand } from '@aws-sdk/client-pinpoint';
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHANNEL_CLIENT_CONFIG,
  channelAdaptersFrom,
  channelClientsFor,
} from '../../../functions/adapters/channels/index.ts';
import { PinpointPushChannel } from '../../../functions/adapters/push/push-channel.ts';
import { SesEmailChannel } from '../../../functions/adapters/ses/email-channel.ts';
import { EndUserMessagingSmsChannel } from '../../../functions/adapters/sms/sms-channel.ts';
import { channelRouter, type OutboundMessage } from '../../../functions/core/ports/channel.ts';
import { ChannelEnvironment } from '../../../functions/handlers/shared/environment.ts';
import { sendIntent } from './support.ts';

const ses = mockClient(SESv2Client);
const sms = mockClient(PinpointSMSVoiceV2Client);
const pinpoint = mockClient(PinpointClient);
afterEach(() => {
  ses.reset();
  sms.reset();
  pinpoint.reset();
});

const BASE = {
  CAIRN_UNSUBSCRIBE_URL: 'https://unsubscribe.example.com/',
  CAIRN_UNSUBSCRIBE_SECRET_ID: 'cairn/unsubscribe-keys',
};
const EVERY_CHANNEL = ChannelEnvironment.parse({
  ...BASE,
  CAIRN_EMAIL_FROM: 'Example Roasters <news@example.com>',
  CAIRN_EMAIL_REPLY_TO: 'help@example.com',
  CAIRN_SES_CONFIGURATION_SET: 'cairn-email',
  CAIRN_SMS_ORIGINATION_IDENTITY: 'pool-cairn',
  CAIRN_SMS_CONFIGURATION_SET: 'cairn-sms',
  CAIRN_PUSH_APPLICATION_ID: 'app-1',
});

const email: OutboundMessage = {
  channel: 'email',
  intent: sendIntent(),
  to: 'bea@example.com',
  unsubscribeUrl: 'https://unsubscribe.example.com/?token=a.b',
  content: {
    channel: 'email',
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi',
    templateId: 't',
    locale: 'default',
  },
};
const text: OutboundMessage = {
  channel: 'sms',
  intent: sendIntent(),
  to: '+447700900123',
  content: {
    channel: 'sms',
    body: 'Hi',
    encoding: 'GSM-7',
    units: 2,
    segments: 1,
    templateId: 't',
    locale: 'default',
  },
};

describe('channelAdaptersFrom', () => {
  it('makes no adapter when no channel is configured', () => {
    // Act
    const adapters = channelAdaptersFrom(ChannelEnvironment.parse(BASE));

    // Assess
    expect(adapters).toEqual({});
  });

  it('makes one adapter per configured channel', () => {
    // Act
    const adapters = channelAdaptersFrom(EVERY_CHANNEL);

    // Assess
    expect(adapters.email).toBeInstanceOf(SesEmailChannel);
    expect(adapters.sms).toBeInstanceOf(EndUserMessagingSmsChannel);
    expect(adapters.push).toBeInstanceOf(PinpointPushChannel);
  });

  it("passes the environment's settings to the requests", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
    const channels = channelRouter(channelAdaptersFrom(EVERY_CHANNEL));

    // Act
    await channels.send(email);
    await channels.send(text);

    // Assess
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toMatchObject({
      FromEmailAddress: 'Example Roasters <news@example.com>',
      ReplyToAddresses: ['help@example.com'],
      ConfigurationSetName: 'cairn-email',
    });
    expect(sms.commandCalls(SendTextMessageCommand)[0]?.args[0].input).toMatchObject({
      OriginationIdentity: 'pool-cairn',
      ConfigurationSetName: 'cairn-sms',
    });
    expect(pinpoint.commandCalls(SendMessagesCommand)).toEqual([]);
  });

  it('leaves a channel without its setting to the router, which refuses its sends with a reason', async () => {
    // Prepare
    const onlyEmail = ChannelEnvironment.parse({ ...BASE, CAIRN_EMAIL_FROM: 'news@example.com' });
    const channels = channelRouter(channelAdaptersFrom(onlyEmail));

    // Act
    const result = await channels.send(text);

    // Assess
    expect(result).toEqual({
      ok: false,
      permanent: true,
      reason: 'channel-not-configured: no sms adapter in this environment',
    });
    expect(sms.commandCalls(SendTextMessageCommand)).toEqual([]);
  });
});

describe('channelClientsFor', () => {
  it('makes single-attempt clients for the configured channels, and keeps injected ones', async () => {
    // Prepare
    const injected = new SESv2Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' });

    // Act
    const clients = channelClientsFor(EVERY_CHANNEL, { sesv2: injected });
    const none = channelClientsFor(ChannelEnvironment.parse(BASE));

    // Assess
    expect(clients.sesv2).toBe(injected);
    expect(await clients.sms?.config.maxAttempts()).toBe(CHANNEL_CLIENT_CONFIG.maxAttempts);
    expect(await clients.pinpoint?.config.maxAttempts()).toBe(1);
    expect(none).toEqual({});
  });
});
