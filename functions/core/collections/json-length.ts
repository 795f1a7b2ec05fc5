/**
 * The length of `JSON.stringify(value)` (in UTF-16 code units, as `String.length` counts), measured beside a
 * value it was made from: a member that is the very same as the earlier value's is not written out again, its
 * length is remembered. A customer's state changes a few of its parts per input and keeps the others as they
 * were (engine/draft.ts), so measuring it costs its new parts only. The earlier value must not have changed
 * since it was measured: the states a transition returns are never changed (the simulator freezes them).
 */

/** What was measured of an object: its length, and its members' (an object member's own members too). */
type Measured = { length: number; members: Map<string, number | Measured> };

/** One entry per measured root (a customer's latest state), gone with it. */
const roots = new WeakMap<object, Measured>();

/**
 * How deep members are compared with the earlier value's: a state's parts. Deeper (the profile's parts) was
 * measured slower: the profile changes on every event, and writing it out natively costs less than walking it.
 */
const DEPTH = 1;

export function jsonLength(value: unknown, earlier?: unknown): number {
  if (!isRecord(value)) return textLength(value);
  const known = isRecord(earlier) ? roots.get(earlier) : undefined;
  const measured = measureRecord(value, isRecord(earlier) ? earlier : undefined, known, DEPTH);
  roots.set(value, measured);
  return measured.length;
}

function measureRecord(
  record: Readonly<Record<string, unknown>>,
  earlier: Readonly<Record<string, unknown>> | undefined,
  known: Measured | undefined,
  depth: number,
): Measured {
  const members = new Map<string, number | Measured>();
  let length = 2;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    const before = earlier?.[key];
    const remembered = known?.members.get(key);
    let measured: number | Measured;
    if (remembered !== undefined && before === member) measured = remembered;
    else if (depth > 1 && isRecord(member))
      measured = measureRecord(
        member,
        isRecord(before) ? before : undefined,
        typeof remembered === 'object' ? remembered : undefined,
        depth - 1,
      );
    else measured = textLength(member);
    members.set(key, measured);
    length += (members.size > 1 ? 1 : 0) + stringLength(key) + 1 + lengthOf(measured);
  }
  return { length, members };
}

const lengthOf = (measured: number | Measured) => (typeof measured === 'number' ? measured : measured.length);

/** A plain object whose members JSON.stringify writes one by one (not an array, nor one with a toJSON). */
function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('toJSON' in value);
}

function textLength(value: unknown): number {
  if (typeof value === 'string') return stringLength(value);
  return JSON.stringify(value)?.length ?? 0;
}

/** Whether JSON.stringify escapes a character of the string: a quote, a backslash, a control, a surrogate. */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

function stringLength(text: string): number {
  // Most strings need no escape: their text is the string and its two quotes.
  return needsEscape(text) ? JSON.stringify(text).length : text.length + 2;
}
