// A floor for the function bundles (bench/bundles.ts): only the AWS SDK clients every function that runs
// journeys constructs at its cold start, and nothing of Cairn.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const sqs = new SQSClient({});
