import type { Condition, EventCondition, HistoryCondition } from './schema-parts.ts';

/**
 * Phrases that the account of a journey (describe.ts, printed by `cairn validate`) uses both for the journey
 * and for its steps (each step kind's `describe` in functions/core/steps/).
 */

export function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  if (condition.stages) parts.push(`stage in ${condition.stages.join('|')}`);
  if (condition.profile) parts.push(`profile ${JSON.stringify(condition.profile)}`);
  if (condition.trigger) parts.push(`trigger ${JSON.stringify(condition.trigger)}`);
  if (condition.engagement) parts.push(`${condition.engagement.step} ${condition.engagement.is}`);
  if (condition.segment) parts.push(`in segment ${condition.segment}`);
  if (condition.history) parts.push(describeHistory(condition.history));
  if (condition.saved) parts.push(`saved ${JSON.stringify(condition.saved)}`);
  return parts.join(' and ');
}

export function describeHistory(history: HistoryCondition): string {
  const bounds = [
    ...(history.atLeast !== undefined ? [`at least ${history.atLeast}`] : []),
    ...(history.atMost !== undefined ? [`at most ${history.atMost}`] : []),
  ];
  return `${JSON.stringify(history.event)} ${bounds.join(' and ')} time(s) within ${history.within}`;
}

export function describeEvent(condition: EventCondition): string {
  const correlate = condition.correlate ? ` with the same ${condition.correlate.join(', ')}` : '';
  return `${JSON.stringify(condition.pattern)}${correlate}`;
}

/** Where a step goes next; without a next step the enrollment ends there. */
export function describeNext(next: string | undefined): string {
  return next ? ` -> ${next}` : ' -> (end)';
}
