/**
 * EventBridge compares numbers in a fixed-point form: values between -5.0e9 and 5.0e9 inclusive, precise to six
 * digits after the decimal point. A number is turned into an integer count of millionths (its "key"), which is
 * exact in a double because 5e15 < 2^53, so comparisons of keys are exact.
 */

export const NUMERIC_LIMIT = 5e9;
const SCALE = 1e6;
/** The keys of -5.0e9 and 5.0e9: the open ends of `[">", x]` and `["<", x]`. */
export const MIN_KEY = -NUMERIC_LIMIT * SCALE;
export const MAX_KEY = NUMERIC_LIMIT * SCALE;

export const RANGE_MESSAGE = 'Value must be between -5.0E9 and 5.0E9, inclusive';
export const DECIMALS_MESSAGE = 'Only values upto 6 decimals are supported';

/**
 * The comparable key of a number, or undefined when EventBridge cannot compare it numerically: outside the range,
 * not finite, or with more than six decimals. Such an event value is never matched by `numeric`, though a plain
 * number in a pattern list still matches it when the two are equal.
 */
export function comparableKey(n: number): number | undefined {
  if (!(n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT)) return undefined;
  const scaled = Math.round(n * SCALE);
  return scaled / SCALE === n ? scaled : undefined;
}

/** Why a number written in a `numeric` or `anything-but` operator is not allowed, or undefined when it is. */
export function patternNumberProblem(n: number): string | undefined {
  if (!(n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT)) return RANGE_MESSAGE;
  return comparableKey(n) === undefined ? DECIMALS_MESSAGE : undefined;
}

/** The text EventBridge shows for an unexpected token in a numeric expression. */
export function tokenText(value: unknown): string {
  if (Array.isArray(value)) return '[';
  if (typeof value === 'object' && value !== null) return '{';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
