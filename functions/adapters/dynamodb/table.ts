import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one DynamoDB table Cairn keeps its runtime data in (single-table design, docs/data-model.md). This file
 * is the only definition of its keys: the tests create dynalite's table from it, and so does the CDK app
 * (infra/lib/table.ts).
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Item attribute holding an epoch-seconds expiry, for items that may expire (none of the state items do). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const DEFAULT_TABLE_NAME = 'cairn';

/**
 * The customers who hold an address: each customer state item carries its profile's email and phone as plain
 * attributes, and one index per kind finds the items by them. Suppressing an address (a bounce, a STOP) copies
 * it into each holder's state, where the runtime decides without reading the address's own item
 * (docs/data-model.md). Keys only: nothing else is projected, so a state write that keeps its addresses
 * writes nothing to the indexes.
 */
export const ADDRESS_INDEXES = {
  email: { indexName: 'by-email', attribute: 'em' },
  phone: { indexName: 'by-phone', attribute: 'ph' },
} as const;

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
      ...Object.values(ADDRESS_INDEXES).map((i) => ({
        AttributeName: i.attribute,
        AttributeType: 'S' as const,
      })),
    ],
    GlobalSecondaryIndexes: Object.values(ADDRESS_INDEXES).map((i) => ({
      IndexName: i.indexName,
      KeySchema: [{ AttributeName: i.attribute, KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    })),
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
