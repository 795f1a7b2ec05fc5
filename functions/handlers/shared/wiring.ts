import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerStateStore } from '../../adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../../adapters/dynamodb/policy-store.ts';
import { DynamoTimerStore } from '../../adapters/dynamodb/timer-store.ts';
import { SqsDeadLetters } from '../../adapters/sqs/dead-letters.ts';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { SqsSendQueue } from '../../adapters/sqs/send-queue.ts';
import type { PolicyStore } from '../../core/ports/policy-store.ts';
import type { TimerStore } from '../../core/ports/timer-store.ts';
import { engineContext, type RuntimeConfig } from '../../core/runtime/config.ts';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { readCompiledConfig } from './compiled-config.ts';
import { RuntimeEnvironment } from './environment.ts';

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

/** Timers in the table's due-time index (docs/data-model.md, "Timers"). */
export function timerStoreOf({ env, documents }: AwsRuntime): TimerStore {
  return new DynamoTimerStore({ client: documents, tableName: env.CAIRN_TABLE_NAME });
}

/** Cap counters, suppressions and the send ledger. */
export function policyStoreOf({ env, documents }: AwsRuntime): PolicyStore {
  return new DynamoPolicyStore({ client: documents, tableName: env.CAIRN_TABLE_NAME });
}

/**
 * The ports that apply an input to a customer and hand its effects on, on AWS. `refresher` is the function's
 * JourneyCatalogRefresher, typed by the port it fills: journey-catalog.ts imports AwsRuntime from here.
 */
export function applyPortsOf(
  runtime: AwsRuntime,
  refresher?: Required<Pick<ApplyPorts, 'findVersions'>>,
  clock: () => number = Date.now,
): ApplyPorts {
  const { env, config, documents, sqs } = runtime;
  return {
    states: new DynamoCustomerStateStore({ client: documents, tableName: env.CAIRN_TABLE_NAME }),
    timers: timerStoreOf(runtime),
    sends: new SqsSendQueue({ client: sqs, queueUrl: env.CAIRN_SEND_QUEUE_URL }),
    events: new SqsEventPublisher({ client: sqs, queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
    deadLetters: new SqsDeadLetters({ client: sqs, queueUrl: env.CAIRN_DEAD_LETTER_QUEUE_URL }),
    context: () => engineContext(config, clock()),
    ...(refresher ? { findVersions: (versions) => refresher.findVersions(versions) } : {}),
    // Sends are decided where the state was just read, so deliver need not read it (docs/data-model.md).
    delivery: { policies: config.policies, defaultTimezone: config.defaultTimezone },
  };
}
