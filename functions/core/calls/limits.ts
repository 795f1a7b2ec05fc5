/**
 * The largest `maxConcurrent` a call target may have: the target's slots are one table item holding a lease per
 * call in flight (about 60 bytes each), kept well under one write unit's kilobyte at the bounds used in practice.
 */
export const MAX_CONCURRENT_CALLS = 100;

/** A call step's target, as far as its bound goes: the HTTP URL, or the Lambda function. */
export type BoundTarget = { kind: 'http'; url: string } | { kind: 'lambda'; function: string };

/**
 * The key a target's bound is counted under: an HTTP target's origin (scheme, host and port: every path of one
 * service shares its capacity), or `lambda:` and the function as written (a name and an ARN of one function are
 * two keys; name it one way).
 */
export function callTargetKey(target: BoundTarget): string {
  if (target.kind === 'lambda') return `lambda:${target.function}`;
  return new URL(target.url).origin;
}
