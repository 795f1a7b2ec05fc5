import * as z from 'zod';
import { setField } from '../collections/own-field.ts';
import { TriggerRef } from '../engine/state.ts';
import type { JsonValue } from '../events/index.ts';

/** A header value: text written in the journey, or the name of a secret resolved only when the call is made. */
export const HeaderValue = z.lazy(() =>
  z.union([
    z.string(),
    z.strictObject({
      secret: z.string().min(1).describe('The name of the secret (Secrets Manager) holding the value.'),
    }),
  ]),
);
export type HeaderValue = z.infer<typeof HeaderValue>;

/** Where a call goes: the body and the payload's strings are Liquid, rendered by the calls function. */
export const CallTarget = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('http'),
      url: z.string(),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      headers: z.record(z.string(), HeaderValue),
      body: z.string().optional(),
    }),
    z.object({ kind: z.literal('lambda'), function: z.string(), payload: z.json() }),
  ]),
);
export type CallTarget = z.infer<typeof CallTarget>;

/**
 * The bound on calls in flight to one target, across all calls function instances: `target` is the key the
 * slots are counted under (calls/limits.ts, `callTargetKey`), `max` the step's `maxConcurrent`.
 */
export const CallLimit = z.lazy(() => z.object({ target: z.string().min(1), max: z.int().positive() }));
export type CallLimit = z.infer<typeof CallLimit>;

/** What a call step leaves the calls function to do. `callId` is also the id of its safety timer. */
export const CallIntent = z.lazy(() =>
  z.object({
    callId: z.string(),
    /** Derived from the enrollment and the step: the same for every attempt and every redelivery. */
    idempotencyKey: z.string(),
    userId: z.string(),
    journeyId: z.string(),
    journeyVersion: z.string(),
    enrollmentId: z.string(),
    stepId: z.string(),
    target: CallTarget,
    timeoutMs: z.number(),
    /** Attempts after the first, for an answer that may change on a retry (5xx, 429, a timeout). */
    retries: z.number(),
    /** The delay before the first retry; each later one doubles it. */
    backoffMs: z.number(),
    /** Saved field name to dotted path in the JSON answer. */
    saveAs: z.record(z.string(), z.string()),
    /** What to do when a call was made but its answer was never recorded (a crash): report it, or call again. */
    onUnknown: z.enum(['fail', 'retry']),
    /** The target's bound, when its step sets `maxConcurrent`. */
    limit: CallLimit.optional(),
    at: z.number(),
    /** The enrollment's trigger event and saved fields, for the templates: the enrollment may have moved on. */
    trigger: TriggerRef.optional(),
    saved: z.record(z.string(), z.json()).optional(),
  }),
);
export type CallIntent = z.infer<typeof CallIntent>;

/** What a call came to, as recorded in the calls ledger and fed back to the customer. */
export const CallAnswer = z.lazy(() =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), saved: z.record(z.string(), z.json()) }),
    z.object({ ok: z.literal(false), reason: z.string() }),
  ]),
);
export type CallAnswer = z.infer<typeof CallAnswer>;

/** The engine input that moves a waiting enrollment on from its call step. */
export type CallResult = {
  callId: string;
  userId: string;
  enrollmentId: string;
  stepId: string;
  answer: CallAnswer;
};

/**
 * The most the saved fields of one enrollment may take, as JSON text: they are stored in the customer's state,
 * which every input rewrites. An answer that would pass it takes the step's onFailure (`answer-too-large`).
 */
export const MAX_SAVED_BYTES = 2048;

/** The bytes the saved fields take in the state, as JSON. */
export function savedSize(saved: Record<string, unknown>): number {
  return new TextEncoder().encode(JSON.stringify(saved)).length;
}

/** The named fields picked from a JSON answer; a path with nothing at it saves nothing under that name. */
export function pickSaved(answer: unknown, saveAs: Record<string, string>): Record<string, JsonValue> {
  const saved: Record<string, JsonValue> = {};
  for (const [name, path] of Object.entries(saveAs)) {
    const value = path === '' || path === '.' ? answer : valueAt(answer, path.split('.'));
    const parsed = z.json().safeParse(value);
    if (value !== undefined && parsed.success) setField(saved, name, parsed.data);
  }
  return saved;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    // Own fields only: `__proto__` would read the answer's prototype.
    else if (typeof current === 'object' && current !== null)
      current = Object.hasOwn(current, key) ? Reflect.get(current, key) : undefined;
    else return undefined;
  }
  return current;
}
