import { fingerprint } from './bucket.ts';
import type { CustomerState } from './state.ts';

// Apart from the engine (engine.ts remembers what ended): the policies ask it of a held send, and importing it
// from the engine put the whole engine in the feedback function's bundle (docs/benchmarks.md, "Function bundles").

/**
 * Whether the enrollment ended before its steps ran out (goal, exit, dropped send...), as far as the state
 * remembers (ENDED_MEMORY_MS): a send it held is then dropped as `enrollment_ended`. An enrollment that ran
 * off the end of its steps is not ended in this sense, and still sends what it held.
 */
export function enrollmentEnded(state: CustomerState, enrollmentId: string): boolean {
  if (!state.ended || state.enrollments.some((e) => e.id === enrollmentId)) return false;
  const print = fingerprint(enrollmentId);
  return state.ended.some(([ended]) => ended === print);
}
