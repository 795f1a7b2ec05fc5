/**
 * The customer-event contract: an Amazon EventBridge event, exactly as EventBridge delivers it to a target,
 * whose `detail` says who did what. Pure domain code: no AWS SDK, no I/O.
 *
 * See docs/events.md for the contract as app developers read it.
 */
import * as z from 'zod';
import { isRecord } from '../collections/is-record.ts';
import { PROTO_REFUSED, protoFieldPaths } from '../collections/own-field.ts';
import { didYouMean, formatPath, type PathSegment } from '../diagnostics/problem.ts';
import { traitsProblem, userIdProblem } from './limits.ts';
import { plainEventCheck } from './plain-event.ts';

/** Shows the value that was found, short enough for a one-line error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > 60 ? `${quoted.slice(0, 57)}…"` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function expected(what: string, found: unknown): string {
  return `expected ${what}, got ${describeValue(found)}`;
}

const NON_EMPTY = 'a non-empty string';
const TIMESTAMP = 'an ISO-8601 timestamp with a timezone designator, e.g. 2026-11-01T10:00:00Z';

/**
 * The contract's schemas, built on first use: a function whose first events are plain (plainEventCheck below)
 * never builds them, and building them at import cost every engine function's cold start about 7 M
 * instructions (docs/benchmarks.md, "Function bundles").
 */
function contractSchemas() {
  const nonEmptyString = z
    .string({ error: (iss) => expected(NON_EMPTY, iss.input) })
    .min(1, { error: (iss) => expected(NON_EMPTY, iss.input) });

  /** Any JSON value: the data inside `properties`, and the open parts of `traits` and `context`. */
  const JsonValue = z.json();

  /**
   * Profile updates carried by the event. Open: any JSON value is kept. The well-known keys must be strings
   * when present; their formats (email address, E.164 phone, IANA zone, consent) are not checked here.
   */
  const Traits = z
    .object({
      email: z.string().optional(),
      phone: z.string().optional(),
      timezone: z.string().optional(),
      locale: z.string().optional(),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
    })
    .catchall(JsonValue)
    .superRefine((traits, ctx) => {
      const problem = traitsProblem(traits);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });

  /** Where the event came from: the device (push token and platform), the IP, the timezone and locale. Open. */
  const Device = z
    .object({
      token: z.string().optional(),
      /** The push platform of the token, e.g. `APNS`, `APNS_SANDBOX`, `FCM`. */
      platform: z.string().optional(),
    })
    .catchall(JsonValue);

  const Context = z
    .object({
      device: Device.optional(),
      timezone: z.string().optional(),
      ip: z.string().optional(),
      locale: z.string().optional(),
    })
    .catchall(JsonValue);

  /** A user id is part of DynamoDB keys and of every log line: bounded, and whole Unicode characters. */
  const UserId = nonEmptyString.superRefine((userId, ctx) => {
    const problem = userIdProblem(userId);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

  const detailShape = {
    userId: UserId,
    /** The sender's idempotency key: the same `eventId` from the same `source` is the same event. */
    eventId: nonEmptyString.optional(),
    properties: z.record(z.string(), JsonValue).default({}),
    traits: Traits.optional(),
    context: Context.optional(),
  };

  const Detail = z.strictObject(detailShape, {
    error: (iss) => (iss.code === 'invalid_type' ? expected('an object', iss.input) : undefined),
  });

  const event = z.object(
    {
      /** EventBridge sets "0". */
      version: z.string().default('0'),
      /** EventBridge's id for this event (a UUID); hand-written events must set one. */
      id: nonEmptyString,
      /** The event name, e.g. `Order Completed`. */
      'detail-type': nonEmptyString,
      /** The sending app, e.g. `com.example.shop`. */
      source: nonEmptyString,
      /** The 12-digit AWS account id. Absent in hand-written events: there is no honest default. */
      account: z.string().optional(),
      /** When it happened. Kept as sent. */
      time: timestamp(),
      /** The AWS Region. Absent in hand-written events: there is no honest default. */
      region: z.string().optional(),
      resources: z.array(z.string()).default([]),
      detail: Detail,
    },
    {
      error: (iss) =>
        iss.code === 'invalid_type' ? expected('an event (a JSON object)', iss.input) : undefined,
    },
  );
  return { event, detailShape };
}

let timestampSchema: z.ZodISODateTime | undefined;

/** The schema of `time`, alone: the plain check (below) reads its pattern without building the others. */
function timestamp(): z.ZodISODateTime {
  timestampSchema ??= z.iso.datetime({ offset: true, error: (iss) => expected(TIMESTAMP, iss.input) });
  return timestampSchema;
}

let schemas: ReturnType<typeof contractSchemas> | undefined;

function contract(): ReturnType<typeof contractSchemas> {
  schemas ??= contractSchemas();
  return schemas;
}

export const CustomerEvent = z.lazy(() => contract().event);
export type CustomerEvent = z.infer<typeof CustomerEvent>;
export type EventDetail = CustomerEvent['detail'];
export type Traits = NonNullable<EventDetail['traits']>;
export type EventContext = NonNullable<EventDetail['context']>;
export type JsonValue = z.infer<z.ZodJSONSchema>;

/** The fields `detail` may hold: anything else is refused, so a misplaced or misspelt field is not lost. */
export function detailFields(): readonly string[] {
  return Object.keys(contract().detailShape);
}

let plainEvent: ((input: unknown) => CustomerEvent | undefined) | undefined;

/** The common case checked without zod (plain-event.ts), with the schema's own pattern of `time`. */
function plainEventOf(input: unknown): CustomerEvent | undefined {
  plainEvent ??= plainEventCheck(timestamp()._zod.pattern);
  return plainEvent(input);
}
/** What a sender may write: the envelope fields with defaults may be left out. */
export type CustomerEventInput = z.input<typeof CustomerEvent>;

export type EventProblem = {
  /** The envelope `id`, when it is a non-empty string, so a rejected event can still be named. */
  eventId: string | undefined;
  /** Where in the event, e.g. `detail.userId`, `time`, `detail.properties.products[0]`. Empty for the whole event. */
  path: string;
  message: string;
};

export type EventParseResult = { ok: true; event: CustomerEvent } | { ok: false; problems: EventProblem[] };

const EXPECTED_TYPE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

/** Messages for the issues the schema does not word itself. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return expected(EXPECTED_TYPE[iss.expected] ?? `a ${iss.expected}`, iss.input);
    case 'invalid_union':
      return expected('a JSON value (string, number, boolean, null, array or object)', iss.input);
    case 'too_small':
      return iss.origin === 'string' && iss.minimum === 1 ? expected(NON_EMPTY, iss.input) : undefined;
    case 'invalid_format':
      return expected(`a valid ${iss.format}`, iss.input);
    default:
      return undefined;
  }
};

function toPath(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function toProblems(issues: readonly z.core.$ZodIssue[], eventId: string | undefined): EventProblem[] {
  const problems: EventProblem[] = [];
  for (const issue of issues) {
    const path = toPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      // Only `detail` is strict: its fields are the contract, and a misplaced field would otherwise be lost.
      const where = formatPath(path);
      for (const key of issue.keys) {
        const fields = detailFields();
        const hint = didYouMean(key, fields) || ` (event data goes in ${where}.properties)`;
        problems.push({
          eventId,
          path: formatPath([...path, key]),
          message: `expected only ${fields.join(', ')} in ${where}, got an unknown field${hint}`,
        });
      }
    } else {
      problems.push({ eventId, path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}

/** Validates one event against the contract, listing every problem, each with the event's id when it has one. */
export function parseCustomerEvent(input: unknown): EventParseResult {
  const plain = plainEventOf(input);
  if (plain !== undefined) return { ok: true, event: plain };
  const parsed = CustomerEvent.safeParse(input, { error: errorMap });
  const id = isRecord(input) ? input.id : undefined;
  const eventId = typeof id === 'string' && id !== '' ? id : undefined;
  if (!parsed.success) return { ok: false, problems: toProblems(parsed.error.issues, eventId) };
  // The schema drops such a field without a word: refused by name instead.
  const reserved = isRecord(input) ? protoFieldPaths(input.detail, ['detail']) : [];
  if (reserved.length === 0) return { ok: true, event: parsed.data };
  return {
    ok: false,
    problems: reserved.map((path) => ({ eventId, path: formatPath(path), message: PROTO_REFUSED })),
  };
}

/** One line for a person: `event 6f1c…: detail.userId: expected a non-empty string, got undefined`. */
export function formatEventProblem(problem: EventProblem): string {
  const who = problem.eventId === undefined ? 'event (no id)' : `event ${problem.eventId}`;
  const where = problem.path === '' ? '' : `${problem.path}: `;
  return `${who}: ${where}${problem.message}`;
}

/**
 * The idempotency key of an event: the sender's `detail.eventId` scoped by `source` when present (the same
 * business event sent twice gets two EventBridge ids but one eventId), else EventBridge's `id`.
 * The parts are percent-encoded so that no two different events can produce the same key.
 */
export function dedupeKey(event: CustomerEvent): string {
  const { eventId } = event.detail;
  if (eventId !== undefined)
    return `eventId:${encodeURIComponent(event.source)}:${encodeURIComponent(eventId)}`;
  return `id:${encodeURIComponent(event.id)}`;
}
