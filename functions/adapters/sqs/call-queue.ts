import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CallQueue, EnqueuedCall } from '../../core/ports/call-queue.ts';
import { failedEntries, inBatches } from './batches.ts';

export type SqsCallQueueOptions = { client: SQSClient; queueUrl: string };

/**
 * The calls queue on SQS: one message per call (body: QueuedCall as JSON), 10 per SendMessageBatch. A
 * duplicate is harmless (the calls ledger finds the claim), so a batch that partly failed fails the whole call.
 */
export class SqsCallQueue implements CallQueue {
  constructor(private readonly options: SqsCallQueueOptions) {}

  async enqueue(messages: readonly EnqueuedCall[]): Promise<void> {
    for (const batch of inBatches(messages)) {
      const entries: SendMessageBatchRequestEntry[] = batch.map((message, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(message.call),
        DelaySeconds: message.delaySeconds,
        MessageAttributes: { callId: { DataType: 'String', StringValue: message.call.intent.callId } },
      }));
      const output = await this.options.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }),
      );
      const failed = failedEntries(output);
      if (failed.length > 0)
        throw new Error(`calls queue: ${failed.length} message(s) not enqueued: ${failed.join('; ')}`);
    }
  }
}
