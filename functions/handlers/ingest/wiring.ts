import { composeApplyPorts } from '../../composition/apply.ts';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import type { Refreshing } from '../shared/journey-catalog.ts';
import { awsRuntime, engineFunctionOn } from '../shared/wiring.ts';

/**
 * ingest on AWS: customer state in DynamoDB, sends and emitted events to SQS, dead letters to SQS, and the
 * journeys of the bundle plus every version and status stored in the table (refreshed once a minute).
 */
export async function wireIngest(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<ApplyPorts>> {
  const { composition, refresher, settle } = engineFunctionOn(await awsRuntime(environment));
  return { ports: composeApplyPorts(composition), refresher, settle };
}
