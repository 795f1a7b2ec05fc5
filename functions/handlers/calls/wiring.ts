import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HttpCaller } from '../../adapters/http/http-caller.ts';
import { LambdaCaller } from '../../adapters/lambda/lambda-caller.ts';
import { SecretsManagerSecrets } from '../../adapters/secrets/secret-values.ts';
import { composeCallPorts } from '../../composition/calls.ts';
import { callRouter } from '../../core/ports/call-port.ts';
import type { CallPorts } from '../../core/runtime/call.ts';
import type { Refreshing } from '../shared/journey-catalog.ts';
import { awsRuntime, engineFunctionOn } from '../shared/wiring.ts';

/**
 * calls on AWS: HTTPS with fetch (header secrets from Secrets Manager by name), Lambda with the SDK, the calls
 * ledger in the table, answers applied to the customer as an input.
 */
export async function wireCalls(
  environment: NodeJS.ProcessEnv = process.env,
): Promise<Refreshing<CallPorts>> {
  const { composition, refresher, settle } = engineFunctionOn(await awsRuntime(environment));
  const caller = callRouter({
    http: new HttpCaller({ secrets: new SecretsManagerSecrets(new SecretsManagerClient({})) }),
    lambda: new LambdaCaller({ client: new LambdaClient({}) }),
  });
  return { ports: composeCallPorts({ ...composition, caller }), refresher, settle };
}
