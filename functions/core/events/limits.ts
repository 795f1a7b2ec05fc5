/**
 * The limits an input must keep before anything is written for it (docs/events.md, "Limits"). Each one has a
 * reason: a value past it either cannot be stored (a DynamoDB key or item), or would make the runtime do
 * unbounded work (a timer sweep walking every hour up to an event dated 2099). Pure: no I/O, no clock.
 */

const DAY_MS = 86_400_000;

export type InputLimits = {
  /** Largest event, in UTF-8 bytes of its JSON: EventBridge's largest PutEvents entry (256 KB). */
  maxEventBytes: number;
  /** Longest user id, in UTF-8 bytes: it is part of DynamoDB keys (a partition key holds at most 2,048 bytes). */
  maxUserIdBytes: number;
  /** Most keys in one event's `traits`. */
  maxTraits: number;
  /** Largest `traits` of one event, in UTF-8 bytes of its JSON. */
  maxTraitsBytes: number;
  /** How far after the machine's clock an event's `time` may be (default 7 days: a device clock set wrong). */
  futureMs: number;
  /**
   * How far before the machine's clock an event's `time` may be (default 90 days: the longest retention of the
   * bus archive in infra/config.ts, the oldest event a replay of the archive can bring; on AWS the CDK app sets
   * each environment's own, CAIRN_EVENT_PAST_DAYS).
   */
  pastMs: number;
  /**
   * Largest customer state, in UTF-8 bytes of its JSON, before compression. A DynamoDB item holds at most
   * 400 KB; the stored item is the compressed state plus its keys and address attributes, so a state under
   * this bound always fits, whatever compression saves.
   */
  maxStateBytes: number;
};

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxEventBytes: 256 * 1024,
  maxUserIdBytes: 256,
  maxTraits: 150,
  maxTraitsBytes: 32 * 1024,
  futureMs: 7 * DAY_MS,
  pastMs: 90 * DAY_MS,
  maxStateBytes: 350 * 1024,
};

/** A refused input: which field (a path such as `detail.userId`, empty for the whole event) and why. */
export type LimitProblem = { path: string; message: string };

/**
 * Bytes of a string once encoded as UTF-8 (what EventBridge and DynamoDB count), a lone surrogate as the 3
 * bytes of the replacement character, as TextEncoder writes it. Counted without encoding: ingest measures every
 * event and a few of its fields, and encoding each into a new array was most of what measuring cost.
 */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes of a value's JSON in UTF-8. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

/** C0 and C1 control characters: invisible in logs and exports, and never part of a real id. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** With the `u` flag a surrogate pair is one code point, so only a half of a pair on its own matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why a user id cannot be used, or undefined when it can. */
export function userIdProblem(
  userId: string,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): string | undefined {
  if (LONE_SURROGATE.test(userId))
    return 'expected a user id of whole Unicode characters, got one with a broken character (a lone surrogate)';
  if (CONTROL.test(userId))
    return 'expected a user id without control characters, got one with a control character';
  const bytes = utf8Bytes(userId);
  if (bytes > limits.maxUserIdBytes)
    return `expected a user id of at most ${limits.maxUserIdBytes} bytes (UTF-8), got ${bytes}`;
  return undefined;
}

/** Why an event's traits are refused, or undefined when they are kept. */
export function traitsProblem(
  traits: Readonly<Record<string, unknown>>,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): string | undefined {
  const count = Object.keys(traits).length;
  if (count > limits.maxTraits) return `expected at most ${limits.maxTraits} traits, got ${count}`;
  const bytes = jsonBytes(traits);
  if (bytes > limits.maxTraitsBytes)
    return `expected traits of at most ${limits.maxTraitsBytes} bytes (JSON, UTF-8), got ${bytes}`;
  return undefined;
}

/** Why an event of this many bytes is refused, or undefined. */
export function eventSizeProblem(
  bytes: number,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): string | undefined {
  return bytes > limits.maxEventBytes
    ? `the event is ${bytes} bytes, over the limit of ${limits.maxEventBytes} (EventBridge's largest entry)`
    : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Why an event time is refused relative to `now` (the machine's clock: the wall clock on AWS, virtual time in a
 * replay), or undefined. A time a `Date` cannot hold is refused too.
 */
export function eventTimeProblem(
  at: number,
  now: number,
  limits: Pick<InputLimits, 'futureMs' | 'pastMs'> = DEFAULT_INPUT_LIMITS,
): string | undefined {
  if (!Number.isFinite(at)) return 'expected a time a date can hold, got one out of range';
  if (at > now + limits.futureMs)
    return `expected a time at most ${days(limits.futureMs)} after ${iso(now)}, got ${iso(at)} (too far in the future)`;
  if (at < now - limits.pastMs)
    return `expected a time at most ${days(limits.pastMs)} before ${iso(now)}, got ${iso(at)} (too far in the past)`;
  return undefined;
}

function days(ms: number): string {
  const n = ms / DAY_MS;
  return Number.isInteger(n) ? `${n} day${n === 1 ? '' : 's'}` : `${ms} ms`;
}

/** EventBridge's largest PutEvents entry, and the largest request (256 KB). */
export const MAX_ENTRY_BYTES = 256 * 1024;

export type PutEntry = {
  source: string;
  detailType: string;
  /** The Detail as sent: JSON text. */
  detail: string;
  resources?: readonly string[] | undefined;
  hasTime: boolean;
};

/**
 * An entry's size as EventBridge counts it ("Calculating PutEvents event entry size" in its user guide): 14
 * bytes for a Time, and the UTF-8 bytes of Source, DetailType, Detail and each resource.
 */
export function putEntryBytes(entry: PutEntry): number {
  let bytes = entry.hasTime ? 14 : 0;
  bytes += utf8Bytes(entry.source) + utf8Bytes(entry.detailType) + utf8Bytes(entry.detail);
  for (const resource of entry.resources ?? []) bytes += utf8Bytes(resource);
  return bytes;
}

/**
 * When a replayed event arrives on the replay's virtual clock (the simulator and the local stack's replay).
 * An event arrives at its own time, as a bus would deliver it then, unless its time is both more than the
 * future window past the replay's clock and more than the window past the real clock: no bus can have
 * received it yet, so it arrives now, next to its neighbours in the file, and ingest refuses it as too far in
 * the future. A sparse historical file (a quiet month) still replays at its own times, and the clock never
 * jumps decades ahead (an hourly timer sweep would walk every hour of the jump).
 */
export function replayArrival(
  at: number,
  clock: number,
  wallClock: number,
  limits: Pick<InputLimits, 'futureMs'> = DEFAULT_INPUT_LIMITS,
): number {
  const tooFar = at > clock + limits.futureMs && at > wallClock + limits.futureMs;
  return tooFar || !Number.isFinite(at) ? clock : at;
}
