/**
 * String-level pieces of the pattern language, prepared at compile time: wildcards, case-insensitive matching,
 * and IP addresses for `cidr`. Pure functions; nothing here allocates per event except `ipToHex`.
 */

const encoder = new TextEncoder();

/**
 * EventBridge reports a wildcard fault as a position in the quoted operand counted in UTF-8 bytes, so the
 * opening quote is position 0 and the first character of the operand is position 1.
 */
function quotedBytePosition(text: string, index: number): number {
  return encoder.encode(text.slice(0, index)).length + 1;
}

/** A parsed wildcard: the literal parts between the `*`s (one part when there is no `*`). */
export type Wildcard = { readonly parts: readonly string[] };

/**
 * Parses a wildcard operand. `*` matches any run of characters, `\*` is a literal asterisk and `\\` a literal
 * backslash; any other backslash, and two `*` in a row, are errors worded as EventBridge words them.
 */
export function parseWildcard(text: string): Wildcard | { error: string } {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*')
        return { error: `Consecutive wildcard characters at pos ${quotedBytePosition(text, i)}` };
      parts.push(current);
      current = '';
    } else if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        return { error: `Invalid escape character at pos ${quotedBytePosition(text, i)}` };
      }
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  parts.push(current);
  return { parts };
}

/**
 * Whether `value` matches the wildcard. With only `*` as a metacharacter, anchoring the first and last parts and
 * finding each middle part at its leftmost position is exact, and runs in linear time without backtracking.
 */
export function matchWildcard(wildcard: Wildcard, value: string): boolean {
  const { parts } = wildcard;
  const first = parts[0] ?? '';
  if (parts.length === 1) return value === first;
  const last = parts[parts.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  const end = value.length - last.length;
  let position = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    const found = value.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A regular expression matching `text` case-insensitively the way EventBridge does: each character of the operand
 * matches itself, its lower case or its upper case (so "ß" in the operand also matches "SS").
 */
export function ignoreCaseRegExp(text: string, anchor: 'whole' | 'start' | 'end'): RegExp {
  let source = '';
  for (const char of text) {
    const variants = new Set([char, char.toLowerCase(), char.toUpperCase()]);
    source += variants.size === 1 ? escapeRegExp(char) : `(?:${[...variants].map(escapeRegExp).join('|')})`;
  }
  if (anchor !== 'end') source = `^${source}`;
  if (anchor !== 'start') source = `${source}$`;
  return new RegExp(source);
}

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function ipv4Bytes(text: string): number[] | undefined {
  const bytes = text.split('.').map((part) => Number.parseInt(part, 10));
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function ipv6Bytes(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const given = headGroups.length + tailGroups.length;
  if (gap === -1 ? given !== 8 : given > 7) return undefined;
  const groups = [...headGroups, ...Array<string>(8 - given).fill('0'), ...tailGroups];
  if (!groups.every((g) => HEX_GROUP.test(g))) return undefined;
  const bytes = groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  // Like Java's address parser, an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

type IpParse = { bytes: number[] } | { error: string };

function parseIp(text: string): IpParse {
  const looksV4 = IPV4.test(text);
  if (!looksV4 && !IPV6.test(text)) return { error: `Nonstandard IP address: ${text}` };
  const bytes = looksV4 ? ipv4Bytes(text) : ipv6Bytes(text);
  return bytes === undefined ? { error: `Invalid IP address: ${text}` } : { bytes };
}

function toHex(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** An IP address as fixed-width hex (8 digits for IPv4, 32 for IPv6), or undefined when it is not one. */
export function ipToHex(text: string): string | undefined {
  const parsed = parseIp(text);
  return 'bytes' in parsed ? toHex(parsed.bytes) : undefined;
}

/** A CIDR block as an inclusive range of fixed-width hex addresses. */
export type CidrRange = { readonly bottom: string; readonly top: string };

/**
 * Parses a `cidr` operand as EventBridge does. The range is the whole network: from the address with every host
 * bit cleared to the address with every host bit set, so `10.0.0.5/24` holds 10.0.0.0 to 10.0.0.255 (as in Event
 * Ruler since it computes both bounds). The mask must be below 32 (IPv4) or 128 (IPv6).
 */
export function parseCidr(text: string): CidrRange | { error: string } {
  const pieces = text.split('/');
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop();
  const [address, maskText] = pieces;
  if (pieces.length !== 2 || address === undefined || maskText === undefined) {
    return { error: "Malformed CIDR, one '/' required" };
  }
  const mask = /^[+-]?[0-9]+$/.test(maskText) ? Number.parseInt(maskText, 10) : Number.NaN;
  if (!Number.isSafeInteger(mask) || mask > 2147483647 || mask < -2147483648) {
    return { error: 'Malformed CIDR, mask bits must be an integer' };
  }
  if (mask < 0) return { error: 'Malformed CIDR, mask bits must not be negative' };
  const ip = parseIp(address);
  if ('error' in ip) return ip;
  const width = ip.bytes.length * 8;
  if (mask > width - 1) return { error: `IPv${width === 32 ? 4 : 6} mask bits must be < ${width}` };
  let hostBits = width - mask;
  const bottom = [...ip.bytes];
  const top = [...ip.bytes];
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    const host = hostBits >= 8 ? 0xff : (1 << hostBits) - 1;
    bottom[i] = (bottom[i] ?? 0) & ~host & 0xff;
    top[i] = (top[i] ?? 0) | host;
  }
  return { bottom: toHex(bottom), top: toHex(top) };
}

/** Whether a string event value is an IP address inside the range. */
export function matchCidr(range: CidrRange, value: string): boolean {
  const hex = ipToHex(value);
  return hex !== undefined && hex.length === range.bottom.length && hex >= range.bottom && hex <= range.top;
}
