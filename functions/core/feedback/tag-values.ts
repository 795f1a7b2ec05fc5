/** SES tag values allow only letters, digits, `_` and `-`: how Cairn's ids travel in them and back. */
const PLAIN = /^[A-Za-z0-9-][A-Za-z0-9_-]*$/;
const KEPT_CHARACTER = /[A-Za-z0-9-]/;
const ENCODED_PREFIX = '_x';
const utf8 = new TextEncoder();

/**
 * SES tag values may hold only ASCII letters, digits, `_` and `-`, and Cairn's ids hold more (every message id
 * has `:`; a user id may be an email address). The encoding is deterministic and reversible, so feedback can
 * read the real ids back:
 *
 * - a value of letters, digits, `_` and `-` that does not start with `_` is kept as it is (`usr_1001`,
 *   `welcome-series`);
 * - any other value becomes `_x` followed by the value with every character other than a letter, a digit or
 *   `-` written as `_` and two lowercase hex digits per UTF-8 byte: `a:b_c` gives `_xa_3ab_5fc`.
 */
export function encodeTagValue(value: string): string {
  if (PLAIN.test(value)) return value;
  let encoded = ENCODED_PREFIX;
  for (const character of value) {
    if (KEPT_CHARACTER.test(character)) {
      encoded += character;
      continue;
    }
    for (const byte of utf8.encode(character)) encoded += `_${byte.toString(16).padStart(2, '0')}`;
  }
  return encoded;
}

/** The value `encodeTagValue` was given; undefined when `tag` is not one of its outputs. */
export function decodeTagValue(tag: string): string | undefined {
  if (!tag.startsWith('_')) return PLAIN.test(tag) ? tag : undefined;
  if (!tag.startsWith(ENCODED_PREFIX)) return undefined;
  const bytes: number[] = [];
  const body = tag.slice(ENCODED_PREFIX.length);
  for (let i = 0; i < body.length; i++) {
    const character = body.charAt(i);
    if (character !== '_') {
      if (!KEPT_CHARACTER.test(character)) return undefined;
      bytes.push(character.charCodeAt(0));
      continue;
    }
    const hex = body.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
    bytes.push(Number.parseInt(hex, 16));
    i += 2;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
