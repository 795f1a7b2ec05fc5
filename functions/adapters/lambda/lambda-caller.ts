import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CallPort, CallRequest, CallResponse } from '../../core/ports/call-port.ts';

export type LambdaCallerOptions = { client: LambdaClient };

/**
 * Invokes a Lambda function synchronously (RequestResponse) with the step's rendered payload and the call's
 * `idempotencyKey` in it, within the step's timeout. The function's JSON result is the answer. A function
 * error (`FunctionError`), throttling and service errors may answer differently on a retry; a function that
 * does not exist or may not be invoked is a refusal for good.
 */
export class LambdaCaller implements CallPort {
  constructor(private readonly options: LambdaCallerOptions) {}

  async call(request: CallRequest): Promise<CallResponse> {
    const { target } = request;
    if (target.kind !== 'lambda') return { ok: false, retryable: false, reason: 'not a Lambda target' };
    const payload =
      typeof target.payload === 'object' && target.payload !== null && !Array.isArray(target.payload)
        ? { ...target.payload, idempotencyKey: request.idempotencyKey }
        : { payload: target.payload, idempotencyKey: request.idempotencyKey };
    try {
      const output = await this.options.client.send(
        new InvokeCommand({
          FunctionName: target.function,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
        { abortSignal: AbortSignal.timeout(request.timeoutMs) },
      );
      const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
      if (output.FunctionError)
        return { ok: false, retryable: true, reason: `function error: ${output.FunctionError}` };
      return { ok: true, status: output.StatusCode ?? 200, answer: parseJson(text) };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (name === 'AbortError' || name === 'TimeoutError')
        return { ok: false, retryable: true, reason: `timeout after ${request.timeoutMs} ms` };
      const permanent = [
        'ResourceNotFoundException',
        'AccessDeniedException',
        'InvalidRequestContentException',
      ];
      return { ok: false, retryable: !permanent.includes(name), reason: `lambda ${name}` };
    }
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
