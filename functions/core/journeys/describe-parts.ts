import type { Condition, EventCondition } from './schema-parts.ts';

/**
 * Phrases that the account of a journey (describe.ts, printed by `cairn validate`) uses both for the journey
 * and for its steps (each step kind's `describe` in functions/core/steps/).
 */

export function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  if (condition.stages) parts.push(`stage in ${condition.stages.join('|')}`);
  if (condition.profile) parts.push(`profile ${JSON.stringify(condition.profile)}`);
  if (condition.trigger) parts.push(`trigger ${JSON.stringify(condition.trigger)}`);
  if (condition.saved) parts.push(`saved ${JSON.stringify(condition.saved)}`);
  return parts.join(' and ');
}

export function describeEvent(condition: EventCondition): string {
  const correlate = condition.correlate ? ` with the same ${condition.correlate.join(', ')}` : '';
  return `${JSON.stringify(condition.pattern)}${correlate}`;
}

/** Where a step goes next; without a next step the enrollment ends there. */
export function describeNext(next: string | undefined): string {
  return next ? ` -> ${next}` : ' -> (end)';
}
