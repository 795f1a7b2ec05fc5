import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { channelAdaptersFrom } from '../../adapters/channels/index.ts';
import { loadUnsubscribeKeys } from '../../adapters/secrets/unsubscribe-keys.ts';
import { channelRouter } from '../../core/ports/channel.ts';
import { messageComposer } from '../../core/runtime/compose.ts';
import type { DeliverPorts } from '../../core/runtime/deliver.ts';
import { ChannelEnvironment } from '../shared/environment.ts';
import { journeyCatalogRefresher, type Refreshing } from '../shared/journey-catalog.ts';
import { applyPortsOf, awsRuntime, policyStoreOf } from '../shared/wiring.ts';

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
  const refresher = journeyCatalogRefresher(runtime);
  const keys = await loadUnsubscribeKeys(new SecretsManagerClient({}), channels.CAIRN_UNSUBSCRIBE_SECRET_ID);
  const ports: DeliverPorts = {
    apply: applyPortsOf(runtime, refresher),
    policies: runtime.config.policies,
    policyStore: policyStoreOf(runtime),
    defaultTimezone: runtime.config.defaultTimezone,
    composer: messageComposer(
      runtime.config,
      { baseUrl: channels.CAIRN_UNSUBSCRIBE_URL, keys, now: Date.now },
      channels.CAIRN_MAX_SMS_SEGMENTS,
    ),
    // Only the channels this environment configures; a send on another fails with channel-not-configured.
    channel: channelRouter(channelAdaptersFrom(channels)),
    now: Date.now,
  };
  return { ports, refresher };
}
