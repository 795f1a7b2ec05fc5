import * as z from 'zod';
import { type CallIntent, type CallLimit, type CallTarget, HeaderValue } from '../calls/intent.ts';
import { callTargetKey, MAX_CONCURRENT_CALLS } from '../calls/limits.ts';
import { valueAt } from '../diagnostics/zod-problems.ts';
import type { WaitTimer } from '../engine/state.ts';
import { describeNext } from '../journeys/describe-parts.ts';
import { Duration, JsonValue, NextStep, StepId } from '../journeys/schema-parts.ts';
import { durationMs } from '../time/duration.ts';
import {
  edgesAt,
  nothingToCompile,
  type StepContext,
  type StepDrawing,
  type StepKind,
  type StepOutcome,
  stepForms,
} from './kind.ts';

/** The longest one attempt may take: the calls function's timeout (90 s) must outlast it. */
export const MAX_CALL_TIMEOUT_MS = 60_000;

/** Plain HTTP only to this machine (the local stack's tests); anything else travels encrypted. */
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;

/**
 * What both forms of a call step share: the same instances in both, as the generated JSON Schema has always seen
 * them. Built with the first form, not at import: the engine functions load this module but build no step schema
 * at their cold start (docs/benchmarks.md, "Function bundles").
 */
let shared: ReturnType<typeof sharedParts> | undefined;

function callParts() {
  shared ??= sharedParts();
  return shared;
}

function sharedParts() {
  const SaveAs = z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a field name of letters, digits and _'),
      z
        .string()
        .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'expected a dotted path such as "customer.tier"'),
    )
    .describe(
      'Fields to keep from the JSON answer: name to dotted path. Branch conditions (`saved`) and templates ' +
        '(`saved.<name>`) read them.',
    );

  const MaxConcurrent = z
    .int()
    .min(1)
    .max(MAX_CONCURRENT_CALLS)
    .optional()
    .describe(
      'At most this many calls to this target (an HTTP origin, or a Lambda function) in flight at once, across ' +
        'all journeys; every call step naming the target must state the same value.',
    );

  /** The fields every form of a call step has besides its target. */
  const common = {
    id: StepId,
    type: z.literal('call'),
    timeout: Duration.refine((text) => durationMs(text) <= MAX_CALL_TIMEOUT_MS, {
      message: 'a call may take at most PT60S',
    })
      .default('PT10S')
      .describe('How long one attempt may take, at most PT60S.'),
    retries: z
      .int()
      .min(0)
      .max(5)
      .default(2)
      .describe(
        'Attempts after the first when the answer may change (5xx, 429, a timeout, a network error).',
      ),
    backoff: Duration.default('PT10S').describe(
      'The delay before the first retry; each later one doubles it.',
    ),
    saveAs: SaveAs.optional(),
    onUnknown: z
      .enum(['fail', 'retry'])
      .default('fail')
      .describe(
        'A call made whose answer was never recorded (a crash): fail takes onFailure (unknown_outcome); retry ' +
          'calls again with the same idempotency key.',
      ),
    next: NextStep.optional(),
    onFailure: StepId.optional().describe(
      'The step to take when the call fails (refused, retries used up, timed out). Without it the enrollment completes then.',
    ),
  };
  return { common, MaxConcurrent };
}

export const HttpCall = z.lazy(() =>
  z
    .strictObject({
      ...callParts().common,
      http: z
        .strictObject({
          url: z
            .url({ protocol: /^https?$/, error: 'expected an https:// URL' })
            .refine((url) => url.startsWith('https://') || LOOPBACK.test(url), {
              message: 'expected an https:// URL (http:// only to localhost, for local tests)',
            })
            .describe('The URL to call: https://, or http:// to localhost.'),
          method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
          headers: z
            .record(z.string().min(1), HeaderValue)
            .optional()
            .describe('Header values: text, or { secret: NAME } resolved from Secrets Manager when calling.'),
          body: z
            .string()
            .optional()
            .describe('A Liquid template over the template variables (profile, event, journey, saved).'),
          maxConcurrent: callParts().MaxConcurrent,
        })
        .describe('An HTTPS request; the Idempotency-Key header carries the call idempotency key.'),
    })
    .describe('Call an HTTPS endpoint.'),
);
export type HttpCall = z.infer<typeof HttpCall>;

export const LambdaCall = z.lazy(() =>
  z
    .strictObject({
      ...callParts().common,
      lambda: z
        .strictObject({
          function: z.string().min(1).describe('The function name or ARN.'),
          payload: z
            .record(z.string(), JsonValue)
            .optional()
            .describe('A JSON object; its strings are Liquid templates. `idempotencyKey` is added.'),
          maxConcurrent: callParts().MaxConcurrent,
        })
        .describe('A Lambda function invoked synchronously with a JSON payload.'),
    })
    .describe('Invoke a Lambda function.'),
);
export type LambdaCall = z.infer<typeof LambdaCall>;

/** What is wrong with a call step that has no target, or two. */
export function callFormProblem(raw: unknown): string | undefined {
  const targets = (['http', 'lambda'] as const).filter((k) => valueAt(raw, [k]) !== undefined);
  if (targets.length === 1) return undefined;
  const found = targets.length === 0 ? 'none' : targets.join(' and ');
  return `a call step needs exactly one target, http or lambda, found ${found}`;
}

export const CallStep = z.lazy(() =>
  stepForms('call', [HttpCall.unwrap(), LambdaCall.unwrap()], {
    description: 'Call an HTTPS endpoint or a Lambda function, and go on with its answer.',
    problem: callFormProblem,
  }),
);
export type CallStep = z.infer<typeof CallStep>;

function targetOf(step: CallStep): CallTarget {
  if ('http' in step) {
    const { url, method, headers, body } = step.http;
    return { kind: 'http', url, method, headers: headers ?? {}, ...(body === undefined ? {} : { body }) };
  }
  return { kind: 'lambda', function: step.lambda.function, payload: step.lambda.payload ?? {} };
}

/** The key the step's target is counted under (calls/limits.ts), and the step's bound on it, if any. */
export function boundOf(step: CallStep): { target: string; max: number | undefined } {
  if ('http' in step)
    return { target: callTargetKey({ kind: 'http', url: step.http.url }), max: step.http.maxConcurrent };
  return {
    target: callTargetKey({ kind: 'lambda', function: step.lambda.function }),
    max: step.lambda.maxConcurrent,
  };
}

/** The step's bound on its target, when it sets one. */
export function limitOf(step: CallStep): CallLimit | undefined {
  const { target, max } = boundOf(step);
  return max === undefined ? undefined : { target, max };
}

/** How long the enrollment waits for the answer at most: every attempt and backoff, and a margin for the queue. */
export const CALL_QUEUE_MARGIN_MS = 15 * 60_000;

export function safetyTimeoutMs(intent: Pick<CallIntent, 'timeoutMs' | 'retries' | 'backoffMs'>): number {
  const attempts = intent.retries + 1;
  const backoffs = intent.backoffMs * (2 ** intent.retries - 1);
  return attempts * intent.timeoutMs + backoffs + CALL_QUEUE_MARGIN_MS;
}

/**
 * Hands the call to the calls queue as an intent and waits for its answer, with a safety timer that takes
 * onFailure if no answer comes. The answer comes back as a `call-result` input (engine.ts). The calls function
 * renders the body (calls/render.ts); a template that cannot render fails the call, and nothing is sent.
 */
function execute(step: CallStep, _compiled: undefined, context: StepContext): StepOutcome {
  const { now, state, journey, enrollment } = context;
  const callId = `${enrollment.id}:${step.id}:${enrollment.visits}`;
  const limit = limitOf(step);
  const intent: CallIntent = {
    callId,
    idempotencyKey: callId,
    userId: state.userId,
    journeyId: journey.id,
    journeyVersion: journey.version,
    enrollmentId: enrollment.id,
    stepId: step.id,
    target: targetOf(step),
    timeoutMs: durationMs(step.timeout),
    retries: step.retries,
    backoffMs: durationMs(step.backoff),
    saveAs: step.saveAs ?? {},
    onUnknown: step.onUnknown,
    ...(limit === undefined ? {} : { limit }),
    at: now,
    // Rendered later, by the calls function, when the enrollment may have moved on: it carries what it needs.
    trigger: enrollment.trigger,
    ...(enrollment.saved === undefined ? {} : { saved: enrollment.saved }),
  };
  const dueAt = now + safetyTimeoutMs(intent);
  const timer: WaitTimer = {
    id: callId,
    userId: state.userId,
    enrollmentId: enrollment.id,
    journeyId: journey.id,
    stepId: step.id,
    dueAt,
    kind: 'call',
  };
  enrollment.wait = { stepId: step.id, timerId: callId, dueAt, kind: 'call' };
  context.emit({ at: now, userId: state.userId, type: 'call', intent });
  context.emit({ at: now, userId: state.userId, type: 'timer-scheduled', timer });
  return 'stop';
}

function describe(step: CallStep): string {
  const target = 'http' in step ? `${step.http.method} ${step.http.url}` : `lambda ${step.lambda.function}`;
  const saves = step.saveAs ? ` saving ${Object.keys(step.saveAs).join(', ')}` : '';
  const limit = limitOf(step);
  const bound = limit ? ` (at most ${limit.max} at once to ${limit.target})` : '';
  return `call ${target}${bound}${saves}${describeNext(step.next)}; on failure${describeNext(step.onFailure)}`;
}

/** The call's target in a few words: the method and the URL without its query, or the function. */
function draw(step: CallStep): StepDrawing {
  const target =
    'http' in step
      ? `${step.http.method} ${step.http.url.replace(/[?#].*$/, '')}`
      : `lambda ${step.lambda.function}`;
  return {
    label: `call ${target}`,
    ways: [
      { to: step.next, kind: 'next', label: 'answered' },
      { to: step.onFailure, kind: 'failure', label: 'failed' },
    ],
  };
}

export const call: StepKind<typeof CallStep, undefined> = {
  type: 'call',
  schema: CallStep,
  waits: true,
  edges: (raw) => edgesAt(raw, [['next'], ['onFailure']]),
  compile: nothingToCompile,
  execute,
  describe,
  draw,
};
