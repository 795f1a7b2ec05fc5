/**
 * Masking of personal data in what Cairn prints and logs (docs/runtime.md, "Personal data in output and logs").
 * Addresses keep enough to tell them apart while debugging (`a***@example.com`, `+44*******123`); message
 * content (a subject, an SMS body, a push title) is replaced by its length, since a template can put a name or
 * anything else of the profile in it. One module, used by the console report, `--serve`, and every handler's
 * log lines; `--show-pii` turns it off for local debugging.
 */

/** Whether personal data is shown as it is (`--show-pii`) or masked (the default). */
export type PiiDisplay = 'masked' | 'shown';

const MASK = '*';

/** `maya.tanaka@example.com` -> `m***@example.com`: the first character and the domain. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return MASK.repeat(3);
  return `${address.slice(0, 1)}${MASK.repeat(3)}${address.slice(at)}`;
}

/**
 * `+447700900123` -> `+44*******123`: the country calling code's first two digits and the last three digits,
 * every other digit masked (separators kept). Shorter numbers keep only their last two digits.
 */
export function maskPhone(number: string): string {
  const digits = [...number].filter((c) => c >= '0' && c <= '9').length;
  const keepFirst = number.trimStart().startsWith('+') && digits >= 9 ? 2 : 0;
  const keepLast = digits >= 9 ? 3 : Math.min(2, Math.max(0, digits - 4));
  let seen = 0;
  let out = '';
  for (const c of number) {
    if (c < '0' || c > '9') {
      out += c;
      continue;
    }
    out += seen < keepFirst || seen >= digits - keepLast ? c : MASK;
    seen++;
  }
  return out;
}

/** Message content (a subject, an SMS body, a push title): only its length. */
export function maskContent(text: string, what = 'text'): string {
  return `[${what}: ${[...text].length} chars]`;
}

/**
 * Something that looks like an email address: a local part, `@`, and a dotted domain. Deliberately loose
 * (quoted local parts, IDN domains, `<...>` around it): a false match only masks a little too much.
 */
const emailPattern = () => /[\p{L}\p{N}._%+'!#$&*=?^`{|}~-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/**
 * Something that looks like a phone number: an optional `+`, then 9 to 15 digits, possibly grouped by
 * spaces, dots, dashes or brackets. Runs of digits that are parts of longer tokens (ids, timestamps) are left:
 * the match must not touch a letter, a digit, `_` or `:` on either side.
 */
const phonePattern = () => /(?<![\p{L}\p{N}_:.\-/])\+?(?:\d[\s().-]?){8,14}\d(?![\p{L}\p{N}_:])/gu;

let addressPatterns: { email: RegExp; phone: RegExp } | undefined;

/**
 * Both patterns, compiled on first use: their Unicode classes cost every function's cold start about 6 M
 * instructions when compiled at import (docs/benchmarks.md, "Function bundles"), and a function logs nothing
 * before its first invocation.
 */
function patterns(): { email: RegExp; phone: RegExp } {
  addressPatterns ??= { email: emailPattern(), phone: phonePattern() };
  return addressPatterns;
}

/**
 * Free text that may carry an address (a provider's error message, a bounce diagnostic, a parse error that
 * quotes its input): every email address and phone number in it masked, the rest kept for debugging.
 * ISO dates and times are not phone numbers: their digits are split by `-` and `:` into short groups, and a
 * match must have at least 9 digits.
 */
export function maskText(text: string): string {
  const { email, phone } = patterns();
  return text.replace(email, maskEmail).replace(phone, (match) => {
    const digits = match.replace(/\D/g, '');
    return digits.length >= 9 && !looksLikeDateTime(match) ? maskPhone(match) : match;
  });
}

/** `2026-11-02`, `2026-11-02 10:00`: dates are not phone numbers. */
function looksLikeDateTime(match: string): boolean {
  return /\d{4}-\d{2}-\d{2}/.test(match);
}

/**
 * A `JSON.stringify` replacer that masks every string of a value with `maskText`: the Powertools Logger's
 * `jsonReplacerFn`, so that every log line of every handler is masked whatever its fields.
 */
export function maskingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? maskText(value) : value;
}
