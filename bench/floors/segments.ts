// The floor of the segment scan's function (bench/bundles.ts): the base, the DynamoDB document client it
// scans with and S3, where it writes the members.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export * from './base.ts';
export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const s3 = new S3Client({});
