import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { composeFeedbackPorts } from '../../composition/feedback.ts';
import { CoalescingEventPublisher } from '../../core/runtime/coalescing-publisher.ts';
import type { FeedbackPorts } from '../../core/runtime/feedback.ts';
import { RuntimeEnvironment } from '../shared/environment.ts';

/**
 * What the feedback function reads: the table (suppressions live in the policy store) and the ingest queue
 * (customer events and consent changes). It needs no journeys, so it loads none.
 */
export const FeedbackEnvironment = z.lazy(() =>
  RuntimeEnvironment.unwrap().pick({
    CAIRN_TABLE_NAME: true,
    CAIRN_INGEST_QUEUE_URL: true,
  }),
);
export type FeedbackEnvironment = z.infer<typeof FeedbackEnvironment>;

/** feedback on AWS: suppressions in DynamoDB, events onto the ingest queue, a batch's together. */
export async function wireFeedback(environment: NodeJS.ProcessEnv = process.env): Promise<FeedbackPorts> {
  const env = FeedbackEnvironment.parse(environment);
  return composeFeedbackPorts({
    table: {
      documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName: env.CAIRN_TABLE_NAME,
    },
    // A batch's records publish together: up to 10 events per SQS request rather than one request per record.
    events: new CoalescingEventPublisher(
      new SqsEventPublisher({ client: new SQSClient({}), queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
    ),
    now: Date.now,
  });
}
