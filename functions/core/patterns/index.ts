import { formatPath } from '../diagnostics/problem.ts';
import { matchesPattern } from './match.ts';
import { compilePattern } from './pattern.ts';
import type { PatternProblem } from './types.ts';

/**
 * Amazon EventBridge event patterns, validated and matched with EventBridge's semantics, with no AWS calls.
 * Used for journey triggers, audience and branch conditions (against the profile view), exit criteria and goals.
 * The language is described for users in docs/patterns.md.
 *
 * Compile once with `compilePattern`, then call `matchesPattern` for every event.
 */

export { matchesPattern, matchesPlainObject } from './match.ts';
export { compilePattern, type PatternParseResult } from './pattern.ts';
export type { CompiledPattern, PatternProblem } from './types.ts';

/** Formats problems one per line as `path: message`, the path inside the pattern (`(root)` for the pattern itself). */
export function formatPatternProblems(problems: readonly PatternProblem[]): string[] {
  return problems.map((p) => `${p.path.length === 0 ? '(root)' : formatPath(p.path)}: ${p.message}`);
}

/** Thrown by `testEventPattern` for a pattern EventBridge would reject. */
export class InvalidPatternError extends Error {
  readonly problems: PatternProblem[];

  constructor(problems: PatternProblem[]) {
    super(`Invalid event pattern: ${formatPatternProblems(problems).join('; ')}`);
    this.name = 'InvalidPatternError';
    this.problems = problems;
  }
}

/**
 * Like EventBridge's TestEventPattern: whether the event matches the pattern. Throws `InvalidPatternError` when the
 * pattern is invalid; an invalid pattern is an error, never a "no match".
 */
export function testEventPattern(pattern: unknown, event: unknown): boolean {
  const compiled = compilePattern(pattern);
  if (!compiled.ok) throw new InvalidPatternError(compiled.problems);
  return matchesPattern(compiled.pattern, event);
}
