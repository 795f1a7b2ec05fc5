/**
 * Fields whose names come from someone's data (event properties, traits, CSV headers, Pinpoint attributes,
 * template variables, overrides): `copy[key] = value` takes a key `__proto__` as the copy's prototype, so the
 * field is lost and the copy changes shape. JSON.parse makes such a field an own one; these keep it so.
 */

/** The name a plain assignment does not set as a field. */
export const PROTO_KEY = '__proto__';

/**
 * What a boundary that parses someone's data says of a field named `__proto__`. It refuses it rather than keep
 * it: zod 4 drops such a field from what it parses without a word, and so would every later parse (the state
 * read back from DynamoDB), so a field kept in one place would only make the machines disagree.
 */
export const PROTO_REFUSED = 'a field may not be named "__proto__" (JavaScript reserves the name); rename it';

/** Sets an own, enumerable field, as JSON.parse would, even when it is named `__proto__`. */
export function setField<T>(target: Record<string, T>, key: string, value: NoInfer<T>): void {
  if (key === PROTO_KEY) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** The object's own field; undefined when it has none (`__proto__` would otherwise read its prototype). */
export function ownField<T>(source: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

/** Whether the value holds an own field named `__proto__` at any depth; allocates nothing. */
export function hasProtoField(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasProtoField);
  if (Object.hasOwn(value, PROTO_KEY)) return true;
  for (const key in value) if (hasProtoField(Reflect.get(value, key))) return true;
  return false;
}

/**
 * Where a value holds an own field named `__proto__`, as paths of keys and indexes. zod 4 drops such a field
 * from what it parses (record, object, json) without a word, so a boundary that parses someone's data with zod
 * asks this first, to refuse the field by name rather than lose it.
 */
export function protoFieldPaths(
  value: unknown,
  at: readonly (string | number)[] = [],
): (string | number)[][] {
  if (!hasProtoField(value) || typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value))
    return value.flatMap((item: unknown, index) => protoFieldPaths(item, [...at, index]));
  const found: (string | number)[][] = Object.hasOwn(value, PROTO_KEY) ? [[...at, PROTO_KEY]] : [];
  for (const [key, inner] of Object.entries(value)) found.push(...protoFieldPaths(inner, [...at, key]));
  return found;
}
