import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FirehoseOutcomeLog } from '../../adapters/firehose/outcome-log.ts';
import { SqsCallQueue } from '../../adapters/sqs/call-queue.ts';
import { SqsDeadLetters } from '../../adapters/sqs/dead-letters.ts';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { SqsSendQueue } from '../../adapters/sqs/send-queue.ts';
import { type ApplyComposition, tableCatalogRefresher } from '../../composition/apply.ts';
import type { TableAccess } from '../../composition/table.ts';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../../core/events/limits.ts';
import { DEFAULT_JOURNEY_METRICS_LIMIT, journeysWithMetrics } from '../../core/outcomes/journey-counts.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import type { JourneyCatalogRefresher } from '../../core/runtime/journey-catalog.ts';
import { readCompiledConfig } from './compiled-config.ts';
import { RuntimeEnvironment } from './environment.ts';
import { type InvocationObservers, invocationObservers } from './outcomes.ts';

/** The clients and configuration shared by every port of one function instance. */
export type AwsRuntime = {
  env: RuntimeEnvironment;
  config: RuntimeConfig;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
};

export async function awsRuntime(environment: NodeJS.ProcessEnv): Promise<AwsRuntime> {
  const env = RuntimeEnvironment.parse(environment);
  const config = await readCompiledConfig(
    env.CAIRN_CONFIG_DIR,
    env.CAIRN_ENVIRONMENT,
    env.CAIRN_DEFAULT_TIMEZONE,
  );
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return { env, config, documents, sqs: new SQSClient({}) };
}

const DAY_MS = 86_400_000;

/** The input limits, with the event-time window the environment sets (the CDK app: the archive's retention). */
export function inputLimits(env: RuntimeEnvironment): InputLimits {
  return {
    ...DEFAULT_INPUT_LIMITS,
    ...(env.CAIRN_EVENT_PAST_DAYS ? { pastMs: env.CAIRN_EVENT_PAST_DAYS * DAY_MS } : {}),
    ...(env.CAIRN_EVENT_FUTURE_DAYS ? { futureMs: env.CAIRN_EVENT_FUTURE_DAYS * DAY_MS } : {}),
  };
}

/** The table the environment names. */
export function awsTable({ env, documents }: Pick<AwsRuntime, 'env' | 'documents'>): TableAccess {
  return { documents, tableName: env.CAIRN_TABLE_NAME };
}

/**
 * What a function's use cases tell their observer goes to the outcome log's Firehose stream, when the
 * environment names one, and into the per-journey counts, for the active journeys of its bundled configuration.
 */
export function awsObservers(runtime: Pick<AwsRuntime, 'env' | 'config'>): InvocationObservers {
  const { env, config } = runtime;
  const stream = env.CAIRN_OUTCOME_STREAM;
  return invocationObservers({
    ...(stream
      ? { log: new FirehoseOutcomeLog({ client: new FirehoseClient({}), streamName: stream }) }
      : {}),
    journeys: journeysWithMetrics(
      [...config.catalog.latest()].map((compiled) => compiled.journey),
      env.CAIRN_JOURNEY_METRICS ?? DEFAULT_JOURNEY_METRICS_LIMIT,
    ),
  });
}

/**
 * What a function that runs the engine (ingest, timers, deliver, calls) composes its ports from on AWS: the
 * table, the SQS queues, its bundled configuration, the observers of its outcomes, and its own catalog
 * refresher, which the handler refreshes before each invocation (`refreshing` in journey-catalog.ts). `settle`
 * is for the handler's end of each invocation (outcomes.ts).
 */
export function engineFunctionOn(
  runtime: AwsRuntime,
  clock: () => number = Date.now,
): {
  composition: ApplyComposition;
  refresher: JourneyCatalogRefresher;
  settle: InvocationObservers['settle'];
} {
  const { env, config, sqs } = runtime;
  const table = awsTable(runtime);
  const refresher = tableCatalogRefresher(table, config.catalog, clock);
  const { observer, settle } = awsObservers(runtime);
  return {
    composition: {
      table,
      exits: {
        sends: new SqsSendQueue({ client: sqs, queueUrl: env.CAIRN_SEND_QUEUE_URL }),
        events: new SqsEventPublisher({ client: sqs, queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
        deadLetters: new SqsDeadLetters({ client: sqs, queueUrl: env.CAIRN_DEAD_LETTER_QUEUE_URL }),
        ...(env.CAIRN_CALLS_QUEUE_URL
          ? { calls: new SqsCallQueue({ client: sqs, queueUrl: env.CAIRN_CALLS_QUEUE_URL }) }
          : {}),
      },
      setting: { config, catalogs: refresher, now: clock, limits: inputLimits(env) },
      observer,
    },
    refresher,
    settle,
  };
}
