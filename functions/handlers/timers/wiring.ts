import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { journeyCatalogRefresher, type Refreshing } from '../shared/journey-catalog.ts';
import { applyPortsOf, awsRuntime } from '../shared/wiring.ts';

/** The timer sweep on AWS: the same ports as ingest, since a fired timer is an input like an event. */
export async function wireTimers(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<ApplyPorts>> {
  const runtime = await awsRuntime(environment);
  const refresher = journeyCatalogRefresher(runtime);
  return { ports: applyPortsOf(runtime, refresher), refresher };
}
