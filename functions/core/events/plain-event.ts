// The customer-event contract's check of the common case, without zod: an event that is plain JSON data (as an
// event file's line or an SQS body parses to) and keeps the contract. Ingest checks every event it receives,
// and zod's general machinery was most of what that cost (docs/benchmarks.md, "`cairn simulate` against
// reading the file"). The contract itself stays the zod schema (customer-event.ts): anything this check does not
// accept goes to zod, which says what is wrong, so the problems are zod's, word for word. What it accepts, it
// makes as zod makes it: the same fields in the same order, the defaults filled in, copies of every object and
// array, unknown envelope fields left out (test/core/events/plain-event.property.test.ts holds it to zod).
import { PROTO_KEY } from '../collections/own-field.ts';
import { traitsProblem, userIdProblem } from './limits.ts';

/** A JSON value, as the contract's `z.json()` reads one. */
export type PlainJson = string | number | boolean | null | PlainJson[] | { [key: string]: PlainJson };
type PlainObject = { [key: string]: PlainJson };

/** A customer event as the contract's schema outputs it (customer-event.ts, CustomerEvent). */
export type PlainEvent = {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account?: string;
  time: string;
  region?: string;
  resources: string[];
  detail: {
    userId: string;
    eventId?: string;
    properties: PlainObject;
    traits?: OpenObject;
    context?: OpenObject & { device?: OpenObject };
  };
};
/** The known fields of the open objects below, each a string when present. */
type KnownKey =
  | (typeof TRAIT_STRINGS)[number]
  | (typeof DEVICE_STRINGS)[number]
  | (typeof CONTEXT_STRINGS)[number];
/** An object of the contract open to any JSON beside its known string fields (a zod catchall). */
type OpenObject = PlainObject & { [key in KnownKey]?: string };

/** The known fields of the open objects, each a string when present (customer-event.ts's shapes, in order). */
const TRAIT_STRINGS = ['email', 'phone', 'timezone', 'locale', 'firstName', 'lastName'] as const;
const DEVICE_STRINGS = ['token', 'platform'] as const;
const CONTEXT_STRINGS = ['timezone', 'ip', 'locale'] as const;
/** The fields `detail` may hold (customer-event.ts, detailFields). */
const DETAIL_KEYS = new Set(['userId', 'eventId', 'properties', 'traits', 'context']);
/** The envelope's fields (customer-event.ts, CustomerEvent): the others are left out of the event unread. */
const ENVELOPE_KEYS = [
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
  'detail',
] as const;

/** Returned by the copying functions below for anything the fast check leaves to zod. */
const NOT_PLAIN: unique symbol = Symbol('not plain');
type Copied<T> = T | typeof NOT_PLAIN;

/**
 * The check of the common case, given the contract's pattern of `time` (taken from the schema, not written
 * again): the event as the schema would output it, or undefined when zod must look (a broken field, a value
 * that is not plain JSON, a field named `__proto__`, a limit exceeded).
 */
export function plainEventCheck(timePattern: RegExp): (input: unknown) => PlainEvent | undefined {
  return (input) => {
    if (!isPlainObject(input) || ENVELOPE_KEYS.some((key) => key in input && input[key] === undefined))
      return undefined;
    const { version = '0', id, source, account, time, region, resources = [], detail } = input;
    const detailType = input['detail-type'];
    if (typeof version !== 'string' || !nonEmpty(id) || !nonEmpty(detailType) || !nonEmpty(source))
      return undefined;
    if (!optionalString(account) || !optionalString(region)) return undefined;
    if (typeof time !== 'string' || !timePattern.test(time)) return undefined;
    const copiedResources = stringsOf(resources);
    const copiedDetail = detailOf(detail);
    if (copiedResources === NOT_PLAIN || copiedDetail === NOT_PLAIN) return undefined;
    return {
      version,
      id,
      'detail-type': detailType,
      source,
      ...(account === undefined ? {} : { account }),
      time,
      ...(region === undefined ? {} : { region }),
      resources: copiedResources,
      detail: copiedDetail,
    };
  };
}

function detailOf(detail: unknown): Copied<PlainEvent['detail']> {
  if (!isPlainObject(detail)) return NOT_PLAIN;
  // An undefined field is not JSON: what zod makes of one is left to zod.
  for (const key of Object.keys(detail))
    if (!DETAIL_KEYS.has(key) || detail[key] === undefined) return NOT_PLAIN;
  const { userId, eventId, properties = {}, traits, context } = detail;
  if (!nonEmpty(userId) || userIdProblem(userId) !== undefined) return NOT_PLAIN;
  if (eventId !== undefined && !nonEmpty(eventId)) return NOT_PLAIN;
  const copiedProperties = objectOf(properties);
  const copiedTraits = traits === undefined ? undefined : openObjectOf(traits, TRAIT_STRINGS);
  const copiedContext = context === undefined ? undefined : contextOf(context);
  if (copiedProperties === NOT_PLAIN || copiedTraits === NOT_PLAIN || copiedContext === NOT_PLAIN)
    return NOT_PLAIN;
  if (copiedTraits !== undefined && traitsProblem(copiedTraits) !== undefined) return NOT_PLAIN;
  return {
    userId,
    ...(eventId === undefined ? {} : { eventId }),
    properties: copiedProperties,
    ...(copiedTraits === undefined ? {} : { traits: copiedTraits }),
    ...(copiedContext === undefined ? {} : { context: copiedContext }),
  };
}

function contextOf(context: unknown): Copied<OpenObject & { device?: OpenObject }> {
  if (!isPlainObject(context)) return NOT_PLAIN;
  const { device } = context;
  const copiedDevice = device === undefined ? undefined : openObjectOf(device, DEVICE_STRINGS);
  if (copiedDevice === NOT_PLAIN) return NOT_PLAIN;
  const rest = openObjectOf(context, CONTEXT_STRINGS, 'device');
  if (rest === NOT_PLAIN) return NOT_PLAIN;
  // The shape's fields first, in its order (device, then the known strings), then the others as they came.
  return copiedDevice === undefined ? rest : { device: copiedDevice, ...rest };
}

/**
 * An object with known string fields and any JSON beside them (a zod object with a catchall), copied as zod
 * outputs it: the known fields in their order, then the others in theirs. `skip` is a known field the caller
 * copies itself.
 */
function openObjectOf(value: unknown, known: readonly KnownKey[], skip?: string): Copied<OpenObject> {
  if (!isPlainObject(value)) return NOT_PLAIN;
  const copy: OpenObject = {};
  for (const key of known) {
    const field = value[key];
    if (field === undefined && !(key in value)) continue;
    if (typeof field !== 'string') return NOT_PLAIN;
    copy[key] = field;
  }
  const knownKeys: readonly string[] = known;
  for (const key of Object.keys(value)) {
    if (key === skip && value[key] !== undefined) continue;
    if (knownKeys.includes(key)) continue;
    const field = jsonOf(value[key]);
    if (field === NOT_PLAIN || key === PROTO_KEY) return NOT_PLAIN;
    copy[key] = field;
  }
  return copy;
}

function jsonOf(value: unknown): Copied<PlainJson> {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? arrayOf(value) : objectOf(value);
    default:
      return NOT_PLAIN;
  }
}

function arrayOf(items: readonly unknown[]): Copied<PlainJson[]> {
  const copy: PlainJson[] = [];
  for (let index = 0; index < items.length; index++) {
    // A hole reads as undefined: not JSON, left to zod.
    const item = jsonOf(items[index]);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    copy.push(item);
  }
  return copy;
}

function objectOf(value: unknown): Copied<PlainObject> {
  if (!isPlainObject(value)) return NOT_PLAIN;
  const copy: PlainObject = {};
  for (const key of Object.keys(value)) {
    const field = jsonOf(value[key]);
    // zod leaves a `__proto__` field out of its copy; JSON.parse makes it an own field: left to zod.
    if (field === NOT_PLAIN || key === PROTO_KEY) return NOT_PLAIN;
    copy[key] = field;
  }
  return copy;
}

function stringsOf(value: unknown): Copied<string[]> {
  if (!Array.isArray(value)) return NOT_PLAIN;
  const copy: string[] = [];
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (typeof item !== 'string') return NOT_PLAIN;
    copy.push(item);
  }
  return copy;
}

/** An object as JSON.parse makes one: an array is not one, nor an object of another prototype. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.getPrototypeOf(value) === Object.prototype;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';
const optionalString = (value: unknown): value is string | undefined =>
  value === undefined || typeof value === 'string';
