import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one table (docs/data-model.md) and the client that reaches it: DynamoDB on AWS, dynalite on the local
 * stack. Every store of the runtime lives in it.
 */
export type TableAccess = { documents: DynamoDBDocumentClient; tableName: string };

/** The options every DynamoDB adapter of the table takes. */
export const onTable = ({ documents, tableName }: TableAccess) => ({ client: documents, tableName });
