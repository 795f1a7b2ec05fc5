// The floor of ingest and timers (bench/bundles.ts), and the base of deliver's and calls': the base, and the
// clients they construct at their cold start, the DynamoDB document client, SQS and the outcome log's
// Firehose (functions/handlers/shared/wiring.ts, awsObservers).
import { FirehoseClient } from '@aws-sdk/client-firehose';

export * from './base.ts';
export { documents, sqs } from './sdk.ts';
export const outcomes = new FirehoseClient({});
