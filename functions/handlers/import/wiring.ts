import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import type { EventPublisher } from '../../core/ports/event-publisher.ts';
import { RuntimeEnvironment } from '../shared/environment.ts';

/** What the import function reads: the ingest queue only. It reads no table and loads no journeys. */
export const ImportEnvironment = z.lazy(() =>
  RuntimeEnvironment.unwrap().pick({ CAIRN_INGEST_QUEUE_URL: true }),
);
export type ImportEnvironment = z.infer<typeof ImportEnvironment>;

export function wireImport(environment: NodeJS.ProcessEnv = process.env): EventPublisher {
  const env = ImportEnvironment.parse(environment);
  return new SqsEventPublisher({ client: new SQSClient({}), queueUrl: env.CAIRN_INGEST_QUEUE_URL });
}
