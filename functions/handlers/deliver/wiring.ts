import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { channelAdaptersFrom } from '../../adapters/channels/index.ts';
import { loadUnsubscribeKeys } from '../../adapters/secrets/unsubscribe-keys.ts';
import { composeDeliverPorts } from '../../composition/deliver.ts';
import { channelRouter } from '../../core/ports/channel.ts';
import type { DeliverPorts } from '../../core/runtime/deliver.ts';
import { ChannelEnvironment } from '../shared/environment.ts';
import type { Refreshing } from '../shared/journey-catalog.ts';
import { awsRuntime, engineFunctionOn } from '../shared/wiring.ts';

/**
 * deliver on AWS: state read from DynamoDB, the policy store and send ledger in DynamoDB, held sends back on
 * the send queue, messages rendered with the bundled templates, links signed with the key in Secrets
 * Manager, and messages sent through the channels the environment configures (docs/channels.md).
 */
export async function wireDeliver(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<DeliverPorts>> {
  const runtime = await awsRuntime(environment);
  const channels = ChannelEnvironment.parse(environment);
  const { composition, refresher, settle } = engineFunctionOn(runtime);
  const keys = await loadUnsubscribeKeys(new SecretsManagerClient({}), channels.CAIRN_UNSUBSCRIBE_SECRET_ID);
  const ports = composeDeliverPorts({
    ...composition,
    // Only the channels this environment configures; a send on another fails with channel-not-configured.
    channel: channelRouter(channelAdaptersFrom(channels)),
    unsubscribe: { baseUrl: channels.CAIRN_UNSUBSCRIBE_URL, keys },
    ...(channels.CAIRN_MAX_SMS_SEGMENTS === undefined
      ? {}
      : { maxSmsSegments: channels.CAIRN_MAX_SMS_SEGMENTS }),
  });
  return { ports, refresher, settle };
}
