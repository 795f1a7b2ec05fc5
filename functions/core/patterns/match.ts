import { joinDottedKeys } from './dotted.ts';
import { comparableKey } from './numbers.ts';
import { type CompiledPattern, type Leaf, type ObjectNode, ROOT } from './types.ts';

/**
 * Matching of compiled patterns against events (or any JSON document, such as a profile view). This is the hot
 * path: it allocates nothing (but for dotted field names, see dotted.ts), never throws, and stops at the first
 * field that fails.
 *
 * Arrays in the event are flattened, as EventBridge does: a list in the pattern matches when any element of the
 * event array matches, and a nested pattern object is tried on each object of an event array in turn, so that all
 * of its fields must match within the same element.
 */

type JsonObject = Readonly<Record<string, unknown>>;

const EMPTY: JsonObject = Object.freeze({});
/** Arrays nested deeper than this in an event are not looked into (a guard against pathological input). */
const MAX_ARRAY_DEPTH = 64;

const NO_OBJECT = 0;
const NO_MATCH = 1;
const MATCH = 2;
type Outcome = typeof NO_OBJECT | typeof NO_MATCH | typeof MATCH;

const NO_VALUE = 0;
const VALUE = 1;
const MATCHED_VALUE = 2;
type Scan = typeof NO_VALUE | typeof VALUE | typeof MATCHED_VALUE;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarMatches(leaf: Leaf, value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      if (leaf.strings?.has(value)) return true;
      break;
    case 'number':
      if (leaf.numbers?.has(value)) return true;
      if (leaf.numberKeys !== null) {
        const key = comparableKey(value);
        if (key !== undefined && leaf.numberKeys.has(key)) return true;
      }
      break;
    case 'boolean':
      if (value ? leaf.matchTrue : leaf.matchFalse) return true;
      break;
    default:
      if (value === null && leaf.matchNull) return true;
  }
  for (const test of leaf.tests) if (test(value)) return true;
  return false;
}

/** Looks at every scalar in a (possibly nested) array: is there one at all, and does one match? */
function scan(leaf: Leaf, value: unknown, depth: number): Scan {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_DEPTH) return NO_VALUE;
    let result: Scan = NO_VALUE;
    for (const element of value) {
      const inner = scan(leaf, element, depth + 1);
      if (inner === MATCHED_VALUE) return MATCHED_VALUE;
      if (inner === VALUE) result = VALUE;
    }
    return result;
  }
  if (value === undefined || isObject(value)) return NO_VALUE;
  return scalarMatches(leaf, value) ? MATCHED_VALUE : VALUE;
}

/**
 * A leaf matches when one of its values matches one of the field's scalar values. `exists` asks whether the field
 * has a scalar value at all: an object, an empty array or a missing key has none, while `null` is a value.
 */
function leafMatches(leaf: Leaf, value: unknown): boolean {
  const result = scan(leaf, value, 0);
  if (result === MATCHED_VALUE) return true;
  return result === VALUE ? leaf.existsTrue : leaf.existsFalse;
}

function field(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * The value at a dotted pattern name, walked through nested fields (each object's own dotted names joined as it is
 * reached, dotted.ts). Through an array, the values of its elements, as EventBridge flattens arrays.
 */
function fieldAt(object: JsonObject, key: string, segments: readonly string[] | null): unknown {
  if (segments === null) return field(object, key);
  let values: unknown[] = [object];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of values) collect(value, segment, next, 0);
    if (next.length === 0) return undefined;
    values = next;
  }
  return values.length === 1 ? values[0] : values;
}

function collect(value: unknown, segment: string, into: unknown[], depth: number): void {
  if (isObject(value)) {
    const found = field(joinDottedKeys(value), segment);
    if (found !== undefined) into.push(found);
  } else if (Array.isArray(value) && depth < MAX_ARRAY_DEPTH)
    for (const element of value) collect(element, segment, into, depth + 1);
}

/**
 * Whether the object's own value holds under each leaf of plain strings (ObjectNode.exact): when it is missing, or
 * a string not in the list, the object does not match, and its names need not be looked through for dots. Any
 * other value (an array) is left to the full match.
 */
function exactLeavesHold(node: ObjectNode, object: JsonObject): boolean {
  for (const leaf of node.exact) {
    const value = field(object, leaf.key);
    if (value === undefined || (typeof value === 'string' && !leaf.strings.has(value))) return false;
  }
  return true;
}

/** `keysJoined`: the object's own names hold no dot (joined already, or made so), so there is nothing to join. */
function objectMatches(node: ObjectNode, given: JsonObject, keysJoined: boolean): boolean {
  if (!exactLeavesHold(node, given)) return false;
  const object = keysJoined ? given : joinDottedKeys(given);
  for (const leaf of node.leaves)
    if (!leafMatches(leaf, fieldAt(object, leaf.key, leaf.segments))) return false;
  for (const child of node.children)
    if (!nodeMatches(child.node, fieldAt(object, child.key, child.segments))) return false;
  for (const members of node.ors) {
    let any = false;
    for (const member of members) {
      if (objectMatches(member, object, true)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

function arrayMatches(node: ObjectNode, array: readonly unknown[], depth: number): Outcome {
  if (depth >= MAX_ARRAY_DEPTH) return NO_OBJECT;
  let result: Outcome = NO_OBJECT;
  for (const element of array) {
    if (Array.isArray(element)) {
      const inner = arrayMatches(node, element, depth + 1);
      if (inner === MATCH) return MATCH;
      if (inner === NO_MATCH) result = NO_MATCH;
    } else if (isObject(element)) {
      if (objectMatches(node, element, false)) return MATCH;
      result = NO_MATCH;
    }
  }
  return result;
}

/**
 * A pattern object against an event value. A value that is not an object (missing, a scalar, an array without
 * objects) is matched as an empty object, so only `{"exists": false}` fields can hold in it.
 */
export function nodeMatches(node: ObjectNode, value: unknown): boolean {
  if (isObject(value)) return objectMatches(node, value, false);
  if (Array.isArray(value)) {
    const outcome = arrayMatches(node, value, 0);
    if (outcome !== NO_OBJECT) return outcome === MATCH;
  }
  return objectMatches(node, EMPTY, true);
}

/** Whether the event (any JSON value; normally an object) matches the compiled pattern. Never throws. */
export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  return nodeMatches(pattern[ROOT], event);
}

/**
 * matchesPattern for an object Cairn made whose own names hold no dot (a lifecycle view: fixed names), so that
 * its names are not looked through for dots on every match. Nested objects are joined as matchesPattern does.
 */
export function matchesPlainObject(pattern: CompiledPattern, object: JsonObject): boolean {
  return objectMatches(pattern[ROOT], object, true);
}
