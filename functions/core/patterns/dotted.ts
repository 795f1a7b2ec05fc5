/**
 * EventBridge matches on field paths joined with dots, so an event field named `"state.status"` is the same
 * path as `"state": {"status": ...}`. Matching walks nested objects, so an object's dotted names are joined
 * into nested fields as the matcher reaches it: `{"state.status": "on"}` is read as `{"state": {"status":
 * "on"}}`. When one path is given both ways, both values count, as an array would (any may match).
 *
 * Events rarely have dotted names: the check is a look at the keys of each object the matcher visits, and
 * allocates nothing. A joined view is made once per object (a WeakMap keyed by it); the event is never changed.
 */

import { setField } from '../collections/own-field.ts';

type JsonObject = Readonly<Record<string, unknown>>;

const joined = new WeakMap<JsonObject, JsonObject>();

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasDottedKey(object: JsonObject): boolean {
  for (const key in object) if (key.includes('.') && Object.hasOwn(object, key)) return true;
  return false;
}

/** The object with its own dotted names joined into nested fields (one level: deeper ones as they are visited). */
export function joinDottedKeys(object: JsonObject): JsonObject {
  if (!hasDottedKey(object)) return object;
  const cached = joined.get(object);
  if (cached !== undefined) return cached;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(object)) {
    const segments = key.split('.');
    let nested: unknown = inner;
    // A computed key makes an own field, `__proto__` too.
    for (let i = segments.length - 1; i >= 1; i--) nested = { [segments[i] ?? '']: nested };
    put(result, segments[0] ?? '', nested);
  }
  joined.set(object, result);
  return result;
}

/** Adds a field, merging objects given at the same path; two values at one path become an array of both. */
function put(into: Record<string, unknown>, key: string, value: unknown): void {
  setField(into, key, Object.hasOwn(into, key) ? combine(into[key], value) : value);
}

function combine(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    const merged: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) put(merged, key, value);
    return merged;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}
