import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { loadUnsubscribeKeys } from '../../adapters/secrets/unsubscribe-keys.ts';
import { SqsEventPublisher } from '../../adapters/sqs/event-publisher.ts';
import { composeUnsubscribePorts } from '../../composition/unsubscribe.ts';
import type { UnsubscribePorts } from '../../core/runtime/unsubscribe.ts';
import { ChannelEnvironment, RuntimeEnvironment } from '../shared/environment.ts';

/**
 * What the unsubscribe function reads: only the signing keys' secret and the ingest queue. It loads no
 * journeys and touches no table, so its cold start stays short and its role small.
 */
export const UnsubscribeEnvironment = z.lazy(() =>
  ChannelEnvironment.unwrap()
    .pick({ CAIRN_UNSUBSCRIBE_SECRET_ID: true })
    .extend(RuntimeEnvironment.unwrap().pick({ CAIRN_INGEST_QUEUE_URL: true }).shape),
);
export type UnsubscribeEnvironment = z.infer<typeof UnsubscribeEnvironment>;

/** unsubscribe on AWS: keys from Secrets Manager, consent events onto the ingest queue. */
export async function wireUnsubscribe(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<UnsubscribePorts> {
  const env = UnsubscribeEnvironment.parse(environment);
  const keys = await loadUnsubscribeKeys(new SecretsManagerClient({}), env.CAIRN_UNSUBSCRIBE_SECRET_ID);
  return composeUnsubscribePorts({
    keys,
    events: new SqsEventPublisher({ client: new SQSClient({}), queueUrl: env.CAIRN_INGEST_QUEUE_URL }),
    now: Date.now,
  });
}
