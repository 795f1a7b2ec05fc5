import {
  type PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  type SendTextMessageCommandInput,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { FEEDBACK_TAGS } from '../../core/feedback/outcome.ts';
import type { ChannelAdapter, ChannelResult, SmsMessage } from '../../core/ports/channel.ts';
import { DEFAULT_RETRY, type RetryOptions, sendWithRetries } from '../channels/retry.ts';

export type EndUserMessagingSmsChannelOptions = {
  /** Create it with `maxAttempts: 1` (channels/index.ts): the adapter retries, and decides what to retry. */
  client: PinpointSMSVoiceV2Client;
  /** A phone number, sender id or pool: id or ARN (CAIRN_SMS_ORIGINATION_IDENTITY). */
  originationIdentity: string;
  /** The configuration set whose event destination publishes delivery events (CAIRN_SMS_CONFIGURATION_SET). */
  configurationSet?: string;
  retry?: RetryOptions;
};

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * SMS through AWS End User Messaging `SendTextMessage`, one request per message. Marketing goes as
 * PROMOTIONAL and transactional as TRANSACTIONAL: carriers and some countries route and filter the two
 * differently, and the type must match what the origination identity was registered for.
 */
export class EndUserMessagingSmsChannel implements ChannelAdapter<SmsMessage> {
  constructor(private readonly options: EndUserMessagingSmsChannelOptions) {}

  async send(message: SmsMessage): Promise<ChannelResult> {
    // The profile keeps only normalized numbers, so this guards against a bug rather than bad data; a number
    // SMS would refuse is refused here, without a paid request.
    if (!E164.test(message.to))
      return { ok: false, permanent: true, reason: 'invalid-address: the number is not in E.164 form' };
    const input = this.inputFor(message);
    return sendWithRetries(
      () => this.options.client.send(new SendTextMessageCommand(input)),
      (output) => {
        if (!output.MessageId) throw new Error('SMS SendTextMessage answered without a MessageId');
        return { ok: true, providerMessageId: output.MessageId };
      },
      this.options.retry ?? DEFAULT_RETRY,
    );
  }

  inputFor(message: SmsMessage): SendTextMessageCommandInput {
    const { intent } = message;
    return {
      DestinationPhoneNumber: message.to,
      OriginationIdentity: this.options.originationIdentity,
      MessageBody: message.content.body,
      MessageType: intent.category === 'transactional' ? 'TRANSACTIONAL' : 'PROMOTIONAL',
      ...(this.options.configurationSet === undefined
        ? {}
        : { ConfigurationSetName: this.options.configurationSet }),
      // Echoed back in the configuration set's delivery events (`context`), which feedback reads.
      Context: {
        [FEEDBACK_TAGS.userId]: intent.userId,
        [FEEDBACK_TAGS.journeyId]: intent.journeyId,
        [FEEDBACK_TAGS.stepId]: intent.stepId,
        [FEEDBACK_TAGS.messageId]: intent.messageId,
      },
    };
  }
}
