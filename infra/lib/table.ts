import {
  type Attribute,
  AttributeType,
  BillingMode,
  type GlobalSecondaryIndexProps,
  ProjectionType,
  type Table,
} from 'aws-cdk-lib/aws-dynamodb';
import * as z from 'zod';
import { TTL_ATTRIBUTE, tableDefinition } from '../../functions/adapters/dynamodb/table.ts';
import type { TableCapacity } from '../config.ts';

const KeyElement = z.object({ AttributeName: z.string().min(1), KeyType: z.enum(['HASH', 'RANGE']) });
const KeySchema = z.array(KeyElement).min(1).max(2);
const AttributeDefinition = z.object({
  AttributeName: z.string().min(1),
  AttributeType: z.enum(['S', 'N', 'B']),
});
const Projection = z.object({
  ProjectionType: z.enum(['KEYS_ONLY', 'INCLUDE', 'ALL']),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const GlobalSecondaryIndex = z.object({ IndexName: z.string().min(1), KeySchema, Projection });

/**
 * The parts of the runtime's CreateTable input the CDK reproduces. Anything else there (a local index, stream
 * settings) fails this parse, so it cannot be added to table.ts without the CDK noticing.
 */
const TableDefinition = z
  .object({
    TableName: z.string().optional(),
    KeySchema,
    AttributeDefinitions: z.array(AttributeDefinition),
    GlobalSecondaryIndexes: z.array(GlobalSecondaryIndex).optional(),
    BillingMode: z.literal('PAY_PER_REQUEST'),
  })
  .strict();
type TableDefinition = z.infer<typeof TableDefinition>;

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;
const PROJECTIONS = {
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
  ALL: ProjectionType.ALL,
} as const;

export type TableShape = {
  partitionKey: Attribute;
  sortKey: Attribute | undefined;
  timeToLiveAttribute: string;
  globalSecondaryIndexes: GlobalSecondaryIndexProps[];
};

/**
 * The table's keys, indexes and TTL attribute, read from functions/adapters/dynamodb/table.ts, the one
 * place they are defined (the tests create dynalite's table from the same definition), so the two cannot drift.
 */
export function tableShape(): TableShape {
  const definition = TableDefinition.parse(tableDefinition());
  const keys = (schema: z.infer<typeof KeySchema>) => {
    const partitionKey = attributeOf(definition, schema, 'HASH');
    if (!partitionKey) throw new Error('table.ts defines a key schema without a partition key');
    return { partitionKey, sortKey: attributeOf(definition, schema, 'RANGE') };
  };
  const table = keys(definition.KeySchema);
  return {
    ...table,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => {
      const { partitionKey, sortKey } = keys(index.KeySchema);
      return {
        indexName: index.IndexName,
        partitionKey,
        ...(sortKey ? { sortKey } : {}),
        projectionType: PROJECTIONS[index.Projection.ProjectionType],
        ...(index.Projection.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
      };
    }),
  };
}

function attributeOf(
  definition: TableDefinition,
  schema: z.infer<typeof KeySchema>,
  keyType: 'HASH' | 'RANGE',
): Attribute | undefined {
  const name = schema.find((k) => k.KeyType === keyType)?.AttributeName;
  if (name === undefined) return undefined;
  const type = definition.AttributeDefinitions.find((a) => a.AttributeName === name)?.AttributeType;
  if (type === undefined) throw new Error(`table.ts defines key "${name}" without an attribute type`);
  return { name, type: ATTRIBUTE_TYPES[type] };
}

/** What a capacity mode sets on the table, and on each index: on demand, or provisioned at auto scaling's minimum. */
export function capacityProps(capacity: TableCapacity): {
  table: { billingMode: BillingMode; readCapacity?: number; writeCapacity?: number };
  index: { readCapacity?: number; writeCapacity?: number };
} {
  if (capacity === 'on-demand') return { table: { billingMode: BillingMode.PAY_PER_REQUEST }, index: {} };
  const { reads, writes, indexes } = capacity.provisioned;
  return {
    table: { billingMode: BillingMode.PROVISIONED, readCapacity: reads.min, writeCapacity: writes.min },
    index: { readCapacity: indexes.reads.min, writeCapacity: indexes.writes.min },
  };
}

/**
 * Auto scaling (Application Auto Scaling target tracking) of a provisioned table's reads and writes and of each
 * of its indexes', each between its `min` and `max`, at the target utilization. Nothing for an on-demand table.
 */
export function autoScaleCapacity(
  table: Table,
  capacity: TableCapacity,
  indexNames: readonly string[],
): void {
  if (capacity === 'on-demand') return;
  const { reads, writes, indexes, targetUtilizationPercent } = capacity.provisioned;
  const range = (units: { min: number; max: number }) => ({ minCapacity: units.min, maxCapacity: units.max });
  const target = { targetUtilizationPercent };
  table.autoScaleReadCapacity(range(reads)).scaleOnUtilization(target);
  table.autoScaleWriteCapacity(range(writes)).scaleOnUtilization(target);
  for (const name of indexNames) {
    table.autoScaleGlobalSecondaryIndexReadCapacity(name, range(indexes.reads)).scaleOnUtilization(target);
    table.autoScaleGlobalSecondaryIndexWriteCapacity(name, range(indexes.writes)).scaleOnUtilization(target);
  }
}
