// The floor of calls (bench/bundles.ts): the engine functions' floor, and the Lambda and Secrets Manager
// clients a call step's targets and signing keys need.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export * from './engine.ts';
export const lambda = new LambdaClient({});
export const secrets = new SecretsManagerClient({});
