/**
 * Freezes a value and everything it holds, so that any later change to it throws (modules run in strict mode).
 * What is frozen already is left as it is: a state made from a frozen one shares its unchanged parts, so only
 * the parts it changed are walked.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/** What frozenJson cannot make without JSON itself: a Date, a Map, another class, a toJSON method, a bigint. */
export const NOT_PLAIN: unique symbol = Symbol('not plain data');

/** An object's field that JSON leaves out (undefined, a function, a symbol). */
const DROPPED: unique symbol = Symbol('dropped');

type Made = unknown | typeof NOT_PLAIN | typeof DROPPED;

/**
 * `value` as `JSON.parse(JSON.stringify(value))` gives it back, deeply frozen, made without the text: the
 * value itself, frozen in place, where JSON would not change it, and a copy of only the objects and arrays
 * holding something JSON changes (a -0 reads back as 0, NaN and the infinities as null, an undefined field is
 * left out, an undefined array item is null). NOT_PLAIN for what only JSON itself can say. What is frozen
 * already is taken as JSON's own (a state shares its unchanged parts with the frozen one it was made from).
 */
export function frozenJson<T>(value: T): T | typeof NOT_PLAIN {
  const made = jsonOf(value);
  if (made === NOT_PLAIN) return NOT_PLAIN;
  // JSON's reading of a T is a T: only fields that were undefined are missing from it.
  return made === DROPPED ? NOT_PLAIN : (made as T);
}

function jsonOf(value: unknown): Made {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? 0 : value) : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return DROPPED;
    case 'object':
      if (value === null || Object.isFrozen(value)) return value;
      return Array.isArray(value) ? arrayOf(value) : objectOf(value);
    default:
      return NOT_PLAIN;
  }
}

function arrayOf(items: readonly unknown[]): Made {
  // Object.is, not !==: a -0 made 0 is a change.
  let copy: unknown[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let made = jsonOf(item);
    if (made === NOT_PLAIN) return NOT_PLAIN;
    if (made === DROPPED) made = null;
    if (!Object.is(made, item) && !copy) copy = items.slice(0, index);
    copy?.push(made);
  }
  return Object.freeze(copy ?? items);
}

function objectOf(value: object): Made {
  if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return NOT_PLAIN;
  const keys = Object.keys(value);
  const fields = Object.values(value);
  let copy: Record<string, unknown> | undefined;
  for (let index = 0; index < keys.length; index++) {
    const field = fields[index];
    const made = jsonOf(field);
    if (made === NOT_PLAIN) return NOT_PLAIN;
    if (!Object.is(made, field) && !copy) {
      copy = {};
      for (let before = 0; before < index; before++) setField(copy, keys[before] ?? '', fields[before]);
    }
    if (copy && made !== DROPPED) setField(copy, keys[index] ?? '', made);
  }
  return Object.freeze(copy ?? value);
}

/**
 * Sets a field as JSON.parse does: an own field even when it is named `__proto__`, which a plain assignment
 * would take as the copy's prototype (event data parsed from text can carry such a field).
 */
function setField(target: Record<string, unknown>, key: string, field: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value: field,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = field;
  }
}
