import { ownField, setField } from '../collections/own-field.ts';
import { compilePattern, matchesPattern } from '../patterns/index.ts';

/**
 * Documents that EventBridge patterns match, built from the patterns themselves: the customer of a generated
 * journey test (journey-tests.ts) gets the traits and events its path's conditions ask for.
 */

type Document = Record<string, unknown>;

/** The object as a plain record; anything else as an empty one. */
export function recordOf(value: unknown): Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};
}

/** A value that an item of a pattern's list matches; undefined for operators it cannot satisfy simply. */
function witnessItem(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const [op, arg] = Object.entries(item)[0] ?? [];
  if (op === 'prefix' && typeof arg === 'string') return `${arg}x`;
  if (op === 'wildcard' && typeof arg === 'string')
    return arg
      .split('\\*')
      .map((part) => part.replace(/\*/g, '').replace(/\\\\/g, '\\'))
      .join('*');
  if (op === 'exists' && arg === true) return 'x';
  if (op === 'anything-but') return 'something-else';
  if (op === 'numeric' && Array.isArray(arg)) {
    const [cmp, value] = arg;
    if (typeof value !== 'number') return undefined;
    return cmp === '>' ? value + 1 : cmp === '<' ? value - 1 : value;
  }
  return undefined;
}

/** A document a profile or event pattern matches, built from the first item of each list. */
export function witnessOf(pattern: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value))
      for (const [k, v] of Object.entries(witnessOf(recordOf(value[0])))) setField(out, k, v);
    else if (Array.isArray(value)) setField(out, key, witnessItem(value[0]));
    else if (typeof value === 'object' && value !== null)
      setField(out, key, witnessOf(Object.fromEntries(Object.entries(value))));
  }
  return out;
}

export function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = ownField(out, k);
    setField(
      out,
      k,
      typeof mine === 'object' &&
        mine !== null &&
        !Array.isArray(mine) &&
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v)
        ? merge(Object.fromEntries(Object.entries(mine)), Object.fromEntries(Object.entries(v)))
        : v,
    );
  }
  return out;
}

/** The segment a Segment Entered trigger names. */
export function segmentOfTrigger(pattern: Record<string, unknown>): string | undefined {
  const detail = witnessOf(pattern).detail;
  const properties =
    typeof detail === 'object' && detail !== null && 'properties' in detail ? detail.properties : undefined;
  const id =
    typeof properties === 'object' && properties !== null && 'segment' in properties
      ? properties.segment
      : undefined;
  return typeof id === 'string' ? id : undefined;
}

export function triggerEvent(
  pattern: Record<string, unknown>,
): { type: string; properties: Record<string, unknown> } | undefined {
  const witness = witnessOf(pattern);
  const type = witness['detail-type'];
  if (typeof type !== 'string') return undefined;
  const detail = witness.detail;
  const properties =
    typeof detail === 'object' && detail !== null && 'properties' in detail ? detail.properties : {};
  return { type, properties: recordOf(properties) };
}

/** Whether the pattern matches the document. */
export function matches(pattern: Record<string, unknown>, document: Record<string, unknown>): boolean {
  const compiled = compilePattern(pattern);
  return compiled.ok && matchesPattern(compiled.pattern, document);
}
