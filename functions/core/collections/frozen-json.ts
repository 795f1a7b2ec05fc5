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

/**
 * Freezes `value` deeply when it is what `JSON.parse(JSON.stringify(value))` gives back, and says whether it
 * was: plain objects and arrays of strings, booleans, null and finite numbers other than -0 (JSON writes -0 as
 * 0), no undefined (JSON drops the key), no Date or other class, no toJSON. A value that is not is left
 * unfrozen at its top, with the parts of it that were frozen. What was frozen before is taken as JSON's own:
 * this module freezes nothing else, and a state shares its unchanged parts with the one it was made from.
 */
export function freezeIfJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      return value === null || Object.isFrozen(value) || freezeIfJsonObject(value);
    default:
      return false;
  }
}

function freezeIfJsonObject(value: object): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (!freezeIfJsonValue(item)) return false;
  } else {
    const prototype = Object.getPrototypeOf(value);
    if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return false;
    for (const child of Object.values(value)) if (!freezeIfJsonValue(child)) return false;
  }
  Object.freeze(value);
  return true;
}
