import { composeApplyPorts } from '../../composition/apply.ts';
import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import type { Refreshing } from '../shared/journey-catalog.ts';
import { awsRuntime, engineFunctionOn } from '../shared/wiring.ts';

/** The timer sweep on AWS: the same ports as ingest, since a fired timer is an input like an event. */
export async function wireTimers(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<ApplyPorts>> {
  const { composition, refresher, settle } = engineFunctionOn(await awsRuntime(environment));
  return { ports: composeApplyPorts(composition), refresher, settle };
}
