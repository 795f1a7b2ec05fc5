import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB table Cairn keeps its runtime data in (single-table design, docs/data-model.md). This file
 * is the only definition of its keys: the tests create dynalite's table from it, and the CDK app will too.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Item attribute holding an epoch-seconds expiry, for items that may expire (none of the state items do). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const DEFAULT_TABLE_NAME = 'cairn';

export function tableDefinition(tableName: string = DEFAULT_TABLE_NAME): CreateTableCommandInput {
  return {
    TableName: tableName,
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SORT_KEY, AttributeType: 'S' },
    ],
    // Traffic follows campaigns and customer activity, spiky and unpredictable: on-demand avoids both
    // throttling at a peak and paying for idle capacity.
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** Keys of a customer's items: everything about one customer shares a partition. */
export const customerKeys = {
  partition: (userId: string) => `USER#${userId}`,
  state: 'STATE',
} as const;
