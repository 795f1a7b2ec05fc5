// The floor of feedback (bench/bundles.ts): the base, and the clients it constructs at its cold start, the
// DynamoDB document client and SQS. Unlike the other engine functions it writes no outcome log.
export * from './base.ts';
export { documents, sqs } from './sdk.ts';
