// The floor of ingest, timers and feedback (bench/bundles.ts): the base, and the clients they construct at
// their cold start, the DynamoDB document client and SQS.
export * from './base.ts';
export { documents, sqs } from './sdk.ts';
