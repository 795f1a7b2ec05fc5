// The floor of unsubscribe (bench/bundles.ts): the base, SQS (the consent event) and Secrets Manager (the
// keys that check a link's signature); no table.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

export * from './base.ts';
export const sqs = new SQSClient({});
export const secrets = new SecretsManagerClient({});
