import { type Template, UndefinedVariableError } from 'liquidjs';
import * as z from 'zod';
import { type CallIntent, type CallTarget, HeaderValue } from '../calls/intent.ts';
import { valueAt } from '../diagnostics/zod-problems.ts';
import type { WaitTimer } from '../engine/state.ts';
import { describeNext } from '../journeys/describe-parts.ts';
import { Duration, JsonValue, NextStep, StepId } from '../journeys/schema-parts.ts';
import { textLiquid } from '../templates/liquid.ts';
import { eventVariables, withoutBlanks } from '../templates/variables.ts';
import { durationMs } from '../time/duration.ts';
import { edgesAt, type StepContext, type StepKind, type StepOutcome, stepForms } from './kind.ts';

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

/** The longest one attempt may take: the calls function's timeout (90 s) must outlast it. */
export const MAX_CALL_TIMEOUT_MS = 60_000;

/** Plain HTTP only to this machine (the local stack's tests); anything else travels encrypted. */
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/;

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
    .describe('Attempts after the first when the answer may change (5xx, 429, a timeout, a network error).'),
  backoff: Duration.default('PT10S').describe('The delay before the first retry; each later one doubles it.'),
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

export const HttpCall = z
  .strictObject({
    ...common,
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
      })
      .describe('An HTTPS request; the Idempotency-Key header carries the call idempotency key.'),
  })
  .describe('Call an HTTPS endpoint.');
export type HttpCall = z.infer<typeof HttpCall>;

export const LambdaCall = z
  .strictObject({
    ...common,
    lambda: z
      .strictObject({
        function: z.string().min(1).describe('The function name or ARN.'),
        payload: z
          .record(z.string(), JsonValue)
          .optional()
          .describe('A JSON object; its strings are Liquid templates. `idempotencyKey` is added.'),
      })
      .describe('A Lambda function invoked synchronously with a JSON payload.'),
  })
  .describe('Invoke a Lambda function.');
export type LambdaCall = z.infer<typeof LambdaCall>;

/** What is wrong with a call step that has no target, or two. */
export function callFormProblem(raw: unknown): string | undefined {
  const targets = (['http', 'lambda'] as const).filter((k) => valueAt(raw, [k]) !== undefined);
  if (targets.length === 1) return undefined;
  const found = targets.length === 0 ? 'none' : targets.join(' and ');
  return `a call step needs exactly one target, http or lambda, found ${found}`;
}

export const CallStep = stepForms('call', [HttpCall, LambdaCall], {
  description: 'Call an HTTPS endpoint or a Lambda function, and go on with its answer.',
  problem: callFormProblem,
});
export type CallStep = z.infer<typeof CallStep>;

/** Each Liquid template of the step, parsed once per journey version, by where it is in the target. */
type CompiledCall = ReadonlyMap<string, Template[]>;

function compile(step: CallStep, where: string): CompiledCall {
  const templates = new Map<string, Template[]>();
  const parse = (key: string, source: string) => {
    try {
      templates.set(key, textLiquid.parse(source));
    } catch (error) {
      throw new Error(`${where}: ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if ('http' in step) {
    if (step.http.body !== undefined) parse('body', step.http.body);
  } else for (const [path, text] of stringsOf(step.lambda.payload ?? {}, 'payload')) parse(path, text);
  return templates;
}

function stringsOf(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, `${path}.${i}`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => stringsOf(v, `${path}.${k}`));
  return [];
}

/** The variables of a call's templates: those of message templates, without the message, with `saved`. */
function variablesOf(step: CallStep, context: StepContext): Record<string, unknown> {
  const { enrollment, journey } = context;
  return {
    profile: withoutBlanks(context.view()),
    event: eventVariables(enrollment.trigger),
    journey: { id: journey.id, stepId: step.id },
    saved: enrollment.saved ?? {},
  };
}

function render(compiled: CallCompiled, key: string, scope: Record<string, unknown>): string {
  const template = compiled.get(key);
  return template ? String(textLiquid.renderSync(template, scope)) : '';
}
type CallCompiled = CompiledCall;

function renderJson(
  value: z.output<typeof JsonValue>,
  path: string,
  compiled: CallCompiled,
  scope: Record<string, unknown>,
): z.output<typeof JsonValue> {
  if (typeof value === 'string') return render(compiled, path, scope);
  if (Array.isArray(value)) return value.map((v, i) => renderJson(v, `${path}.${i}`, compiled, scope));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderJson(v, `${path}.${k}`, compiled, scope)]),
    );
  return value;
}

function targetOf(step: CallStep, compiled: CallCompiled, context: StepContext): CallTarget {
  const scope = variablesOf(step, context);
  if ('http' in step) {
    const { url, method, headers, body } = step.http;
    return {
      kind: 'http',
      url,
      method,
      headers: headers ?? {},
      ...(body === undefined ? {} : { body: render(compiled, 'body', scope) }),
    };
  }
  return {
    kind: 'lambda',
    function: step.lambda.function,
    payload: renderJson(step.lambda.payload ?? {}, 'payload', compiled, scope),
  };
}

/** How long the enrollment waits for the answer at most: every attempt and backoff, and a margin for the queue. */
export const CALL_QUEUE_MARGIN_MS = 15 * 60_000;

export function safetyTimeoutMs(intent: Pick<CallIntent, 'timeoutMs' | 'retries' | 'backoffMs'>): number {
  const attempts = intent.retries + 1;
  const backoffs = intent.backoffMs * (2 ** intent.retries - 1);
  return attempts * intent.timeoutMs + backoffs + CALL_QUEUE_MARGIN_MS;
}

/**
 * Renders the target, hands the call to the calls queue as an intent and waits for its answer, with a safety
 * timer that takes onFailure if no answer comes. The answer comes back as a `call-result` input (engine.ts).
 * A template that cannot render fails the step at once: nothing half-rendered is sent.
 */
function execute(step: CallStep, compiled: CallCompiled, context: StepContext): StepOutcome {
  const { now, state, journey, enrollment } = context;
  const callId = `${enrollment.id}:${step.id}:${enrollment.visits}`;
  let target: CallTarget;
  try {
    target = targetOf(step, compiled, context);
  } catch (error) {
    const detail = error instanceof UndefinedVariableError ? error.message : String(error);
    context.emit({
      ...context.ofEnrollment(),
      type: 'call-answered',
      stepId: step.id,
      callId,
      ok: false,
      reason: `render-failed: ${detail}`,
      saved: [],
    });
    return { next: step.onFailure };
  }
  const intent: CallIntent = {
    callId,
    idempotencyKey: callId,
    userId: state.userId,
    journeyId: journey.id,
    journeyVersion: journey.version,
    enrollmentId: enrollment.id,
    stepId: step.id,
    target,
    timeoutMs: durationMs(step.timeout),
    retries: step.retries,
    backoffMs: durationMs(step.backoff),
    saveAs: step.saveAs ?? {},
    onUnknown: step.onUnknown,
    at: now,
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
  return `call ${target}${saves}${describeNext(step.next)}; on failure${describeNext(step.onFailure)}`;
}

export const call: StepKind<typeof CallStep, CallCompiled> = {
  type: 'call',
  schema: CallStep,
  waits: true,
  edges: (raw) => edgesAt(raw, [['next'], ['onFailure']]),
  compile,
  execute,
  describe,
};
