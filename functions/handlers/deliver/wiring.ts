import type { DeliverPorts } from '../../core/runtime/deliver.ts';
import { RecordingChannel } from '../../core/runtime/recording-channel.ts';
import { applyPortsOf, awsRuntime, policyStoreOf } from '../shared/wiring.ts';

/**
 * deliver on AWS: state read from DynamoDB, the policy store and send ledger in DynamoDB, held sends back on
 * the send queue. The channel is the recording stand-in until the channel adapters exist (docs/channels.md).
 */
export async function wireDeliver(environment: NodeJS.ProcessEnv = process.env): Promise<DeliverPorts> {
  const runtime = await awsRuntime(environment);
  return {
    apply: applyPortsOf(runtime),
    policies: runtime.config.policies,
    policyStore: policyStoreOf(runtime),
    defaultTimezone: runtime.config.defaultTimezone,
    channel: new RecordingChannel(),
    now: Date.now,
  };
}
