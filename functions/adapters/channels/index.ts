import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { ChannelAdapters } from '../../core/ports/channel.ts';
import type { ChannelEnvironment } from '../../handlers/shared/environment.ts';
import { PinpointPushChannel } from '../push/push-channel.ts';
import { SesEmailChannel } from '../ses/email-channel.ts';
import { EndUserMessagingSmsChannel } from '../sms/sms-channel.ts';
import { DEFAULT_RETRY, type RetryOptions } from './retry.ts';

/**
 * How the channel clients are made (pass it too when injecting a client):
 *
 * - One attempt per call: the adapters retry themselves (retry.ts), because they must tell a throttle from a
 *   timeout after the request left, which the SDK would retry and which could send a message twice. With
 *   the SDK's own 3 attempts under our 4, a throttled message would also cost up to 12 requests.
 * - A request that has not been answered in 10 s fails (`TimeoutError`) instead of holding the function
 *   until its Lambda timeout; the adapter throws it on as an unknown outcome. The SDK only logs a warning
 *   unless `throwOnRequestTimeout` is set.
 */
export const CHANNEL_CLIENT_CONFIG = {
  maxAttempts: 1,
  requestHandler: { requestTimeout: 10_000, throwOnRequestTimeout: true },
};

/** The attempts part of CHANNEL_CLIENT_CONFIG alone, for a client with its own request handler. */
export const SINGLE_ATTEMPT = { maxAttempts: CHANNEL_CLIENT_CONFIG.maxAttempts };

export type ChannelClients = {
  sesv2?: SESv2Client;
  sms?: PinpointSMSVoiceV2Client;
  pinpoint?: PinpointClient;
};

/** The clients the configured channels need: the injected ones, else new ones made with CHANNEL_CLIENT_CONFIG. */
export function channelClientsFor(env: ChannelEnvironment, injected: ChannelClients = {}): ChannelClients {
  return {
    ...(env.CAIRN_EMAIL_FROM === undefined
      ? {}
      : { sesv2: injected.sesv2 ?? new SESv2Client(CHANNEL_CLIENT_CONFIG) }),
    ...(env.CAIRN_SMS_ORIGINATION_IDENTITY === undefined
      ? {}
      : { sms: injected.sms ?? new PinpointSMSVoiceV2Client(CHANNEL_CLIENT_CONFIG) }),
    ...(env.CAIRN_PUSH_APPLICATION_ID === undefined
      ? {}
      : { pinpoint: injected.pinpoint ?? new PinpointClient(CHANNEL_CLIENT_CONFIG) }),
  };
}

/**
 * The adapters of the channels this environment configures, for `channelRouter`: email needs
 * CAIRN_EMAIL_FROM, SMS CAIRN_SMS_ORIGINATION_IDENTITY, push CAIRN_PUSH_APPLICATION_ID. A channel left out
 * fails its sends with `channel-not-configured` (ports/channel.ts). Clients may be injected (the local stack
 * points SES at aws-ses-v2-local); the others are made with CHANNEL_CLIENT_CONFIG.
 */
export function channelAdaptersFrom(
  env: ChannelEnvironment,
  injected: ChannelClients = {},
  retry: RetryOptions = DEFAULT_RETRY,
): ChannelAdapters {
  const clients = channelClientsFor(env, injected);
  const adapters: ChannelAdapters = {};
  if (env.CAIRN_EMAIL_FROM !== undefined && clients.sesv2)
    adapters.email = new SesEmailChannel({
      client: clients.sesv2,
      from: env.CAIRN_EMAIL_FROM,
      ...(env.CAIRN_EMAIL_REPLY_TO === undefined ? {} : { replyTo: env.CAIRN_EMAIL_REPLY_TO }),
      ...(env.CAIRN_SES_CONFIGURATION_SET === undefined
        ? {}
        : { configurationSet: env.CAIRN_SES_CONFIGURATION_SET }),
      retry,
    });
  if (env.CAIRN_SMS_ORIGINATION_IDENTITY !== undefined && clients.sms)
    adapters.sms = new EndUserMessagingSmsChannel({
      client: clients.sms,
      originationIdentity: env.CAIRN_SMS_ORIGINATION_IDENTITY,
      ...(env.CAIRN_SMS_CONFIGURATION_SET === undefined
        ? {}
        : { configurationSet: env.CAIRN_SMS_CONFIGURATION_SET }),
      retry,
    });
  if (env.CAIRN_PUSH_APPLICATION_ID !== undefined && clients.pinpoint)
    adapters.push = new PinpointPushChannel({
      client: clients.pinpoint,
      applicationId: env.CAIRN_PUSH_APPLICATION_ID,
      retry,
    });
  return adapters;
}
