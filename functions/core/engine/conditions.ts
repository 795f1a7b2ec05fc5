import type { CustomerEvent } from '../events/index.ts';
import type { Condition, EngagementCondition, EventCondition } from '../journeys/schema-parts.ts';
import { type CompiledPattern, compilePattern, matchesPattern } from '../patterns/index.ts';
import { type Profile, profileView } from '../profile/profile.ts';
import { type CompiledHistory, compileHistory, type History, historyHolds } from '../segments/history.ts';
import { engagementHolds } from './engagement.ts';
import type { Enrollment, TriggerRef } from './state.ts';

export type CompiledEventCondition = { pattern: CompiledPattern; correlate: string[][] };
export type CompiledCondition = {
  stages?: ReadonlySet<string>;
  profile?: CompiledPattern;
  trigger?: CompiledPattern;
  engagement?: EngagementCondition;
  segment?: string;
  history?: CompiledHistory;
  saved?: CompiledPattern;
};

/** Compiles a pattern the validator accepted; `where` names it if it was never validated after all. */
export function mustCompile(pattern: unknown, where: string): CompiledPattern {
  const result = compilePattern(pattern);
  if (result.ok) return result.pattern;
  throw new Error(
    `${where}: invalid pattern: ${result.problems.map((p) => p.message).join('; ')} (run "cairn validate")`,
  );
}

export function compileEventCondition(condition: EventCondition, where: string): CompiledEventCondition {
  return {
    pattern: mustCompile(condition.pattern, where),
    correlate: (condition.correlate ?? []).map((p) => p.split('.')),
  };
}

export function compileCondition(condition: Condition, where: string): CompiledCondition {
  return {
    ...(condition.stages ? { stages: new Set(condition.stages) } : {}),
    ...(condition.profile ? { profile: mustCompile(condition.profile, `${where}.profile`) } : {}),
    ...(condition.trigger ? { trigger: mustCompile(condition.trigger, `${where}.trigger`) } : {}),
    ...(condition.engagement ? { engagement: condition.engagement } : {}),
    ...(condition.segment ? { segment: condition.segment } : {}),
    ...(condition.history ? { history: compileHistory(condition.history) } : {}),
    ...(condition.saved ? { saved: mustCompile(condition.saved, `${where}.saved`) } : {}),
  };
}

function valueAtPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The event matches the pattern and carries the same values as the trigger at every correlated path. */
export function matchesEventCondition(
  condition: CompiledEventCondition,
  event: CustomerEvent,
  trigger: TriggerRef,
): boolean {
  if (!matchesPattern(condition.pattern, event)) return false;
  return condition.correlate.every((path) => {
    const mine = valueAtPath(event, path);
    return mine !== undefined && sameJson(mine, valueAtPath(trigger, path));
  });
}

/**
 * What a condition is checked against; the profile view is built only when a profile pattern needs it. The
 * enrollment is there for engagement conditions: absent at entry (an audience), where none can hold.
 */
export type ConditionSubject = {
  userId: string;
  profile: Profile;
  trigger: unknown;
  view?: () => Record<string, unknown>;
  enrollment?: Enrollment;
  /** The time history windows end at. */
  now: number;
  /** The customer's event-history counters (segments/history.ts). */
  history: History | undefined;
  /** Whether the customer is in a segment now. */
  inSegment: (id: string) => boolean;
  /** The enrollment's saved call answers; none before an enrollment exists (an audience). */
  saved?: Record<string, unknown>;
};

export function holds(condition: CompiledCondition, subject: ConditionSubject): boolean {
  if (
    condition.stages &&
    !(subject.profile.stage !== undefined && condition.stages.has(subject.profile.stage))
  )
    return false;
  if (
    condition.profile &&
    !matchesPattern(condition.profile, subject.view?.() ?? profileView(subject.userId, subject.profile))
  )
    return false;
  if (condition.trigger && !matchesPattern(condition.trigger, subject.trigger)) return false;
  if (
    condition.engagement &&
    !(
      subject.enrollment &&
      engagementHolds(subject.enrollment, condition.engagement.step, condition.engagement.is)
    )
  )
    return false;
  if (condition.segment !== undefined && !subject.inSegment(condition.segment)) return false;
  if (condition.history && !historyHolds(condition.history, subject.history, subject.now)) return false;
  if (condition.saved && !matchesPattern(condition.saved, subject.saved ?? {})) return false;
  return true;
}

export { valueAtPath };
