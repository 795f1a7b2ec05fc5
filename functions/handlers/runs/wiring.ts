import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoAudienceRunStore } from '../../adapters/dynamodb/audience-run-store.ts';
import { type ScanSegment, scanStates } from '../../adapters/dynamodb/state-scan.ts';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { tableCatalogRefresher, tableTimerStore } from '../../composition/apply.ts';
import { onTable, type TableAccess } from '../../composition/table.ts';
import type { MemberExits } from '../../core/audience-runs/steps.ts';
import type { CustomerState } from '../../core/engine/state.ts';
import type { LifecycleModel } from '../../core/lifecycle/lifecycle-model.ts';
import type { AudienceRunStore } from '../../core/ports/audience-run-store.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import type { CatalogSource } from '../../core/runtime/journey-catalog.ts';
import { readCompiledConfig } from '../shared/compiled-config.ts';
import { RuntimeEnvironment } from '../shared/environment.ts';
import type { Refreshing } from '../shared/journey-catalog.ts';

/** What the runs function reads: the table, the ingest queue it puts entries on, its bundled configuration. */
export const RunsEnvironment = z.lazy(() =>
  RuntimeEnvironment.unwrap().pick({
    CAIRN_TABLE_NAME: true,
    CAIRN_INGEST_QUEUE_URL: true,
    CAIRN_CONFIG_DIR: true,
    CAIRN_ENVIRONMENT: true,
    CAIRN_DEFAULT_TIMEZONE: true,
  }),
);

/** The ports of every step of a run on AWS (functions/handlers/runs/index.ts). */
export type AudienceRunFunctionPorts = {
  /** The journeys as the engine's functions run them: bundled, with the registry's versions and statuses. */
  catalogs: CatalogSource;
  runs: AudienceRunStore;
  exits: MemberExits;
  /** One Segment of a parallel Scan of the customer states, page by page. */
  scan: (segment: ScanSegment) => AsyncIterable<readonly CustomerState[]>;
  /** The table's item count (DescribeTable's, refreshed by DynamoDB about every six hours), to cut the Scan. */
  itemCount: () => Promise<number>;
  lifecycle: LifecycleModel | undefined;
  defaultTimezone: string;
  now: () => number;
};

const Described = z.lazy(() =>
  z.object({ Table: z.object({ ItemCount: z.number().int().nonnegative().optional() }) }),
);

/**
 * The ports on the table and the queues: the same adapters the local stack runs its runs on, the timers in the
 * table's due-time index as every function writes them.
 */
export function runPortsOn(
  table: TableAccess & { client: DynamoDBClient },
  exits: MemberExits,
  config: RuntimeConfig,
  clock: () => number = Date.now,
): Refreshing<AudienceRunFunctionPorts> {
  const refresher = tableCatalogRefresher(table, config.catalog, clock);
  const ports: AudienceRunFunctionPorts = {
    catalogs: refresher,
    runs: new DynamoAudienceRunStore(onTable(table)),
    exits,
    async *scan(segment) {
      for await (const page of scanStates(onTable(table), segment)) yield page.states;
    },
    async itemCount() {
      const described = Described.parse(
        await table.client.send(new DescribeTableCommand({ TableName: table.tableName })),
      );
      return described.Table.ItemCount ?? 0;
    },
    lifecycle: config.lifecycle,
    defaultTimezone: config.defaultTimezone,
    now: clock,
  };
  return { ports, refresher };
}

export async function wireRuns(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<AudienceRunFunctionPorts>> {
  const env = RunsEnvironment.parse(environment);
  const config = await readCompiledConfig(
    env.CAIRN_CONFIG_DIR,
    env.CAIRN_ENVIRONMENT,
    env.CAIRN_DEFAULT_TIMEZONE,
  );
  const client = new DynamoDBClient({});
  const table = { client, documents: DynamoDBDocumentClient.from(client), tableName: env.CAIRN_TABLE_NAME };
  const exits: MemberExits = {
    events: new SqsEventPublisher({ client: new SQSClient({}), queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
    timers: tableTimerStore(table),
  };
  return runPortsOn(table, exits, config);
}
