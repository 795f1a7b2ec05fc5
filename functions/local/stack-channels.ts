import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CHANNEL_CLIENT_CONFIG } from '../adapters/channels/index.ts';
import { SesEmailChannel } from '../adapters/ses/email-channel.ts';
import { type ChannelPort, channelRouter } from '../core/ports/channel.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import { RecordingChannel } from '../core/runtime/recording-channel.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynalite.ts';
import { keepLatest, observedChannel, SentLog } from './sent-log.ts';
import type { SesLocal } from './ses-local.ts';

/** The local stack's channels: email through the local SES, SMS and push recorded, every message logged. */
export type LocalChannels = {
  /** The channel deliver hands messages to, observed into `sentLog`. */
  channel: ChannelPort;
  sentLog: SentLog;
  sms: RecordingChannel;
  push: RecordingChannel;
  sesClient: SESv2Client;
  /** The input of every SES v2 request, as sent (none kept when serving). */
  sesRequests: unknown[];
};

export type LocalChannelOptions = {
  ses: SesLocal;
  /** Keep only the latest this many messages (a serving stack); all when absent. */
  keep: number | undefined;
  serving: boolean | undefined;
  emailFrom: string | undefined;
  wrap: PortWrappers;
  now: () => number;
};

export function localChannels({
  ses,
  keep,
  serving,
  emailFrom,
  wrap,
  now,
}: LocalChannelOptions): LocalChannels {
  const sentLog = new SentLog(keep);
  const sms = new RecordingChannel();
  const push = new RecordingChannel();
  if (keep !== undefined)
    sentLog.listen(() => {
      ses.trim();
      keepLatest(sms.sent, keep);
      keepLatest(push.sent, keep);
    });
  const sesClient = new SESv2Client({
    ...CHANNEL_CLIENT_CONFIG,
    endpoint: ses.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const sesRequests: unknown[] = [];
  if (!serving)
    sesClient.middlewareStack.add(
      (next) => async (args) => {
        sesRequests.push(args.input);
        return next(args);
      },
      { step: 'initialize', name: 'cairnLocalRecordRequests' },
    );
  const router = channelRouter({
    email: new SesEmailChannel({
      client: sesClient,
      from: emailFrom ?? 'Cairn Local <cairn@example.com>',
    }),
    sms,
    push,
  });
  const channel = observedChannel(wrap.channel ? wrap.channel(router) : router, now, sentLog);
  return { channel, sentLog, sms, push, sesClient, sesRequests };
}
