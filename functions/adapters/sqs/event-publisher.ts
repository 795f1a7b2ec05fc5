import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CustomerEvent } from '../../core/events/index.ts';
import type { EventPublisher } from '../../core/ports/event-publisher.ts';
import { failedEntries, inBatches } from './batches.ts';

export type SqsEventPublisherOptions = { client: SQSClient; queueUrl: string };

/**
 * Puts events that journeys emit straight on the ingest queue, in the shape the EventBridge rule delivers
 * there (the event itself as the body). No bus round trip and no extra dependency; the price is that other
 * consumers of the bus do not see `cairn.journeys` events (see docs/runtime.md).
 */
export class SqsEventPublisher implements EventPublisher {
  constructor(private readonly options: SqsEventPublisherOptions) {}

  async publish(events: readonly CustomerEvent[]): Promise<void> {
    for (const batch of inBatches(events)) {
      const output = await this.options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: batch.map((event, index) => ({ Id: String(index), MessageBody: JSON.stringify(event) })),
        }),
      );
      const failed = failedEntries(output);
      if (failed.length > 0)
        throw new Error(`ingest queue: ${failed.length} event(s) not published: ${failed.join('; ')}`);
    }
  }
}
