import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetters } from '../../core/ports/dead-letters.ts';

export type SqsDeadLettersOptions = { client: SQSClient; queueUrl: string };

/** SQS refuses attribute values past the message size limit; a long problem list is cut here, not lost (body). */
const ATTRIBUTE_LIMIT = 1024;

/**
 * The dead-letter destination on SQS: the whole letter as the JSON body, and what a person filters on as
 * message attributes (`kind`, `eventId`, `paths`: the field paths of the problems, comma-separated), so a
 * console or a redrive tool can tell letters apart without parsing bodies.
 */
export class SqsDeadLetters implements DeadLetters {
  constructor(private readonly options: SqsDeadLettersOptions) {}

  async put(letter: DeadLetter): Promise<void> {
    await this.options.client.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: JSON.stringify(letter),
        MessageAttributes: attributesOf(letter),
      }),
    );
  }
}

function attributesOf(letter: DeadLetter): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({
    DataType: 'String',
    StringValue: value.slice(0, ATTRIBUTE_LIMIT),
  });
  const attributes: Record<string, MessageAttributeValue> = {
    kind: text(letter.kind),
    origin: text(letter.origin),
  };
  if (letter.kind === 'invalid-event') {
    if (letter.eventId !== undefined) attributes.eventId = text(letter.eventId);
    // An empty path is the event as a whole; SQS refuses empty attribute values.
    attributes.paths = text(letter.problems.map((p) => p.path || '(event)').join(','));
  } else if (letter.kind === 'undelivered-send') {
    attributes.userId = text(letter.userId);
    attributes.messageId = text(letter.messageId);
    attributes.reason = text(letter.reason);
  } else {
    attributes.userId = text(letter.userId);
    attributes.inputKey = text(letter.inputKey);
  }
  return attributes;
}
