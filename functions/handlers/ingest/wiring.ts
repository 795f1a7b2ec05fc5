import type { ApplyPorts } from '../../core/runtime/ingest.ts';
import { applyPortsOf, awsRuntime } from '../shared/wiring.ts';

/** ingest on AWS: customer state in DynamoDB, sends and emitted events to SQS, dead letters to SQS. */
export async function wireIngest(environment: NodeJS.ProcessEnv = process.env): Promise<ApplyPorts> {
  return applyPortsOf(await awsRuntime(environment));
}
