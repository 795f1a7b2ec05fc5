import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Enqueued, SendQueue } from '../../core/ports/send-queue.ts';
import { failedEntries, inBatches } from './batches.ts';

export type SqsSendQueueOptions = { client: SQSClient; queueUrl: string };

/**
 * The send queue on SQS: one message per intent (body: QueuedSend as JSON), sent 10 at a time, the most one
 * SendMessageBatch takes. Duplicates are harmless (the send ledger drops a message claimed before), so a
 * batch that partly failed is not retried entry by entry here: the caller's whole call fails and is retried.
 */
export class SqsSendQueue implements SendQueue {
  constructor(private readonly options: SqsSendQueueOptions) {}

  async enqueue(messages: readonly Enqueued[]): Promise<void> {
    for (const batch of inBatches(messages)) {
      const entries: SendMessageBatchRequestEntry[] = batch.map((message, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(message.send),
        DelaySeconds: message.delaySeconds,
        MessageAttributes: {
          messageId: { DataType: 'String', StringValue: message.send.intent.messageId },
        },
      }));
      const output = await this.options.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }),
      );
      const failed = failedEntries(output);
      if (failed.length > 0)
        throw new Error(`send queue: ${failed.length} message(s) not enqueued: ${failed.join('; ')}`);
    }
  }
}
