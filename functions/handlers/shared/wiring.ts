import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoCustomerStateStore } from '../../adapters/dynamodb/customer-state-store.ts';
import { DynamoPolicyStore } from '../../adapters/dynamodb/policy-store.ts';
import { DynamoTimerStore } from '../../adapters/dynamodb/timer-store.ts';
import { SqsDeadLetters } from '../../adapters/sqs/dead-letters.ts';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { SqsSendQueue } from '../../adapters/sqs/send-queue.ts';
import type { PolicyStore } from '../../core/policies/store.ts';
import type { TimerStore } from '../../core/ports/timer-store.ts';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { engineContext, loadRuntimeConfig, type RuntimeConfig } from './config.ts';

/** What every function reads from its environment; the CDK app sets these. */
export const RuntimeEnvironment = z.object({
  CAIRN_TABLE_NAME: z.string().min(1),
  CAIRN_INGEST_QUEUE_URL: z.url(),
  CAIRN_SEND_QUEUE_URL: z.url(),
  CAIRN_DEAD_LETTER_QUEUE_URL: z.url(),
  /** The journeys folder bundled with the function, with lifecycle.yaml and policies.yaml beside them. */
  CAIRN_CONFIG_DIR: z.string().min(1).default('journeys'),
  /** The environment of policies.yaml and lifecycle.yaml to apply (e.g. `eu`); their base values without. */
  CAIRN_ENVIRONMENT: z.string().min(1).optional(),
  CAIRN_DEFAULT_TIMEZONE: z.string().min(1).default('UTC'),
});
export type RuntimeEnvironment = z.infer<typeof RuntimeEnvironment>;

/**
 * What the functions that send or sign links read besides (docs/channels.md). A channel whose settings are
 * absent has no adapter, and its sends fail with `channel-not-configured` rather than vanish.
 */
export const ChannelEnvironment = z.object({
  /** The public URL of the unsubscribe function (its function URL); links in messages point here. */
  CAIRN_UNSUBSCRIBE_URL: z.url(),
  /** The Secrets Manager secret (name or ARN) holding the unsubscribe signing keys (adapters/secrets/). */
  CAIRN_UNSUBSCRIBE_SECRET_ID: z.string().min(1),
  /** A verified SES identity to send from, e.g. `Shop <news@example.com>`. */
  CAIRN_EMAIL_FROM: z.string().min(1).optional(),
  CAIRN_EMAIL_REPLY_TO: z.string().min(1).optional(),
  /** The SES configuration set that publishes sending events to EventBridge (feedback). */
  CAIRN_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** An End User Messaging phone number, sender id or pool (id or ARN). */
  CAIRN_SMS_ORIGINATION_IDENTITY: z.string().min(1).optional(),
  CAIRN_SMS_CONFIGURATION_SET: z.string().min(1).optional(),
  /** The Pinpoint application (project) id whose APNs/FCM channels carry push. */
  CAIRN_PUSH_APPLICATION_ID: z.string().min(1).optional(),
  CAIRN_MAX_SMS_SEGMENTS: z.coerce.number().int().positive().optional(),
});
export type ChannelEnvironment = z.infer<typeof ChannelEnvironment>;

/** The clients and configuration shared by every port of one function instance. */
export type AwsRuntime = {
  env: RuntimeEnvironment;
  config: RuntimeConfig;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
};

export async function awsRuntime(environment: NodeJS.ProcessEnv): Promise<AwsRuntime> {
  const env = RuntimeEnvironment.parse(environment);
  const config = await loadRuntimeConfig(
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

/** The ports that apply an input to a customer and hand its effects on, on AWS. */
export function applyPortsOf(runtime: AwsRuntime, clock: () => number = Date.now): ApplyPorts {
  const { env, config, documents, sqs } = runtime;
  return {
    states: new DynamoCustomerStateStore({ client: documents, tableName: env.CAIRN_TABLE_NAME }),
    timers: timerStoreOf(runtime),
    sends: new SqsSendQueue({ client: sqs, queueUrl: env.CAIRN_SEND_QUEUE_URL }),
    events: new SqsEventPublisher({ client: sqs, queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
    deadLetters: new SqsDeadLetters({ client: sqs, queueUrl: env.CAIRN_DEAD_LETTER_QUEUE_URL }),
    context: () => engineContext(config, clock()),
    // Sends are decided where the state was just read, so deliver need not read it (docs/data-model.md).
    delivery: { policies: config.policies, defaultTimezone: config.defaultTimezone },
  };
}

/** Resolves once, on the first invocation, and keeps the result for the life of the instance. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined; // a failed cold start is tried again by the next invocation
      throw error;
    });
    return made;
  };
}
