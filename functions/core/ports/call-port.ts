import type { CallTarget } from '../calls/intent.ts';

/** One attempt of a call, as the adapter makes it. */
export type CallRequest = {
  target: CallTarget;
  idempotencyKey: string;
  timeoutMs: number;
  /** For stubs and logs: whose call it is. */
  userId: string;
  journeyId: string;
  stepId: string;
};

/**
 * What one attempt came to. `answer` is the parsed JSON answer (undefined when the body was empty or not JSON).
 * `retryable` says whether another attempt may answer differently (5xx, 429, a timeout, a network error); a
 * reason never holds a secret header's value.
 */
export type CallResponse =
  | { ok: true; status?: number; answer: unknown }
  | { ok: false; retryable: boolean; reason: string };

/** Makes calls: HTTPS (adapters/http), Lambda (adapters/lambda), or stubs in the simulator and journey tests. */
export interface CallPort {
  call(request: CallRequest): Promise<CallResponse>;
}

/** One port over the adapters of each target kind; a kind with no adapter refuses its calls for good. */
export function callRouter(adapters: { http?: CallPort; lambda?: CallPort }): CallPort {
  return {
    call(request) {
      const adapter = adapters[request.target.kind];
      if (!adapter)
        return Promise.resolve({
          ok: false,
          retryable: false,
          reason: `no ${request.target.kind} caller is configured`,
        });
      return adapter.call(request);
    },
  };
}
