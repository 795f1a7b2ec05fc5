import * as z from 'zod';
import type { CallPort, CallRequest, CallResponse } from '../ports/call-port.ts';

/**
 * A stubbed answer for calls in the simulator and journey tests: which calls it answers (by step, and
 * optionally journey and user), and how: a JSON answer, a failure, or a timeout.
 */
export const CallStub = z
  .strictObject({
    step: z.string().min(1).describe('The call step it answers.'),
    journey: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    answer: z.json().optional().describe('The JSON answer (what saveAs picks from).'),
    fail: z
      .strictObject({
        reason: z.string().min(1).default('stubbed failure'),
        retryable: z
          .boolean()
          .default(true)
          .describe('Whether a retry may answer differently, as for a 5xx.'),
      })
      .optional()
      .describe('The call fails with this reason.'),
    timeout: z.boolean().optional().describe('The call times out (a retryable failure).'),
    times: z
      .int()
      .positive()
      .optional()
      .describe('Answers only the first this many attempts; then the next stub.'),
  })
  .refine((s) => [s.answer, s.fail, s.timeout].filter((v) => v !== undefined).length === 1, {
    message: 'a call stub needs exactly one of answer, fail or timeout',
  });
export type CallStub = z.infer<typeof CallStub>;

/** Calls answered by stubs, in order: the first that matches and has answers left answers. */
export class StubCaller implements CallPort {
  readonly requests: CallRequest[] = [];
  private readonly used = new Map<number, number>();

  constructor(private readonly stubs: readonly CallStub[]) {}

  async call(request: CallRequest): Promise<CallResponse> {
    this.requests.push(request);
    const index = this.stubs.findIndex(
      (stub, i) =>
        stub.step === request.stepId &&
        (stub.journey === undefined || stub.journey === request.journeyId) &&
        (stub.user === undefined || stub.user === request.userId) &&
        (stub.times === undefined || (this.used.get(i) ?? 0) < stub.times),
    );
    const stub = this.stubs[index];
    if (!stub)
      return {
        ok: false,
        retryable: false,
        reason: `no stub answers ${request.journeyId}/${request.stepId}`,
      };
    this.used.set(index, (this.used.get(index) ?? 0) + 1);
    if (stub.timeout) return { ok: false, retryable: true, reason: `timeout after ${request.timeoutMs} ms` };
    if (stub.fail) return { ok: false, retryable: stub.fail.retryable, reason: stub.fail.reason };
    return { ok: true, answer: stub.answer };
  }
}
