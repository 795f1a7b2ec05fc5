import { type SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { ChannelAdapter, ChannelResult, EmailMessage } from '../../core/ports/channel.ts';
import { DEFAULT_RETRY, type RetryOptions, sendWithRetries } from '../channels/retry.ts';
import { emailTags } from './email-tags.ts';

export type SesEmailChannelOptions = {
  /** Create it with `maxAttempts: 1` (channels/index.ts): the adapter retries, and decides what to retry. */
  client: SESv2Client;
  /** A verified identity, e.g. `Shop <news@example.com>` (CAIRN_EMAIL_FROM). */
  from: string;
  replyTo?: string;
  /** The configuration set whose event destination publishes feedback (CAIRN_SES_CONFIGURATION_SET). */
  configurationSet?: string;
  retry?: RetryOptions;
};

const UTF8 = 'UTF-8';

/**
 * Email through SES v2 `SendEmail` with simple content: SES builds the MIME message (both parts, UTF-8) and
 * adds our headers. One request per message, to its one address.
 */
export class SesEmailChannel implements ChannelAdapter<EmailMessage> {
  constructor(private readonly options: SesEmailChannelOptions) {}

  send(message: EmailMessage): Promise<ChannelResult> {
    const input = this.inputFor(message);
    return sendWithRetries(
      () => this.options.client.send(new SendEmailCommand(input)),
      (output) => {
        // SES answers 200 with a MessageId; without one the response is not SES's, and what happened is unknown.
        if (!output.MessageId) throw new Error('SES SendEmail answered without a MessageId');
        return { ok: true, providerMessageId: output.MessageId };
      },
      this.options.retry ?? DEFAULT_RETRY,
    );
  }

  inputFor(message: EmailMessage): SendEmailCommandInput {
    const { from, replyTo, configurationSet } = this.options;
    const { subject, html, text } = message.content;
    return {
      FromEmailAddress: from,
      Destination: { ToAddresses: [message.to] },
      ...(replyTo === undefined ? {} : { ReplyToAddresses: [replyTo] }),
      ...(configurationSet === undefined ? {} : { ConfigurationSetName: configurationSet }),
      Content: {
        Simple: {
          Subject: { Data: subject, Charset: UTF8 },
          Body: { Html: { Data: html, Charset: UTF8 }, Text: { Data: text, Charset: UTF8 } },
          // RFC 8058 one-click unsubscribe, which Gmail and Yahoo require of bulk senders: the mail client
          // POSTs `List-Unsubscribe=One-Click` to the URL, which the unsubscribe function accepts.
          Headers: [
            { Name: 'List-Unsubscribe', Value: `<${message.unsubscribeUrl}>` },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
      EmailTags: emailTags(message.intent),
    };
  }
}
