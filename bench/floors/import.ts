// The floor of the profile import's function (bench/bundles.ts): the base and SQS, where its events go.
import { SQSClient } from '@aws-sdk/client-sqs';

export * from './base.ts';
export const sqs = new SQSClient({});
