/**
 * EventBridge matches on field paths joined with dots, so an event field named `"state.status"` is the same
 * path as `"state": {"status": ...}`. Matching walks nested objects, so an event's dotted names are joined into
 * nested fields first: `{"state.status": "on"}` is read as `{"state": {"status": "on"}}`. When one path is
 * given both ways, both values count, as an array would (any may match).
 *
 * Events rarely have dotted names: the scan allocates nothing for them, and an event is joined once for all the
 * patterns it is matched against (a WeakMap keyed by the event). The event itself is never changed.
 */

type JsonObject = Record<string, unknown>;

const MAX_DEPTH = 64;
const joined = new WeakMap<object, unknown>();

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value has a dotted field name anywhere inside. */
function hasDottedName(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const element of value) if (hasDottedName(element, depth + 1)) return true;
    return false;
  }
  if (!isObject(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('.')) return true;
    if (hasDottedName(value[key], depth + 1)) return true;
  }
  return false;
}

/** The event with its dotted names joined into nested fields; the event itself when it has none. */
export function joinDottedFields(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const cached = joined.get(event);
  if (cached !== undefined) return cached;
  const result = hasDottedName(event, 0) ? join(event, 0) : event;
  joined.set(event, result);
  return result;
}

function join(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((element) => join(element, depth + 1));
  if (!isObject(value)) return value;
  let result: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    const segments = key.split('.');
    let nested: unknown = inner;
    for (let i = segments.length - 1; i >= 1; i--) nested = { [segments[i] ?? '']: nested };
    result = put(result, segments[0] ?? '', nested);
  }
  // The joined fields may hold dotted names of their own, from either spelling.
  for (const [key, inner] of Object.entries(result)) result[key] = join(inner, depth + 1);
  return result;
}

/** Adds a field, merging objects given at the same path; two values at one path become an array of both. */
function put(into: JsonObject, key: string, value: unknown): JsonObject {
  if (!Object.hasOwn(into, key)) {
    into[key] = value;
    return into;
  }
  into[key] = combine(into[key], value);
  return into;
}

function combine(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    let merged: JsonObject = { ...a };
    for (const [key, value] of Object.entries(b)) merged = put(merged, key, value);
    return merged;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}
