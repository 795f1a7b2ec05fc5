import { describeStep } from '../steps/index.ts';
import { describeDateTrigger } from '../triggers/date.ts';
import { describeScheduleTrigger } from '../triggers/schedule.ts';
import { describeCondition, describeEntry, describeEvent } from './describe-parts.ts';
import type { Journey, Trigger } from './schema.ts';

/** A plain-text account of what a journey does, for people reviewing it in a terminal. */
export function describeJourney(journey: Journey, file: string): string[] {
  const lines = [`${journey.id}: ${journey.name} [${journey.status}, ${journey.category}] (${file})`];
  lines.push(`  trigger  ${describeTrigger(journey.trigger)}`);
  if (journey.audience) lines.push(`  audience ${describeCondition(journey.audience)}`);
  lines.push(`  entry    ${describeEntry(journey.entry, journey.trigger.date !== undefined)}`);
  if (journey.goal) lines.push(`  goal     ${describeEvent(journey.goal)} within ${journey.goal.within}`);
  for (const exit of journey.exit ?? []) lines.push(`  exit on  ${describeEvent(exit)}`);
  if (journey.limits) lines.push(`  limits   ${describeLimits(journey.limits.perDay, journey.limits.total)}`);
  if (journey.schedule)
    lines.push(`  window   ${journey.schedule.start ?? 'any time'} to ${journey.schedule.end ?? 'no end'}`);
  if (journey.sendRate) lines.push(`  rate     at most ${journey.sendRate.perSecond} messages a second`);
  lines.push('  steps');
  const width = Math.max(...journey.steps.map((s) => s.id.length));
  for (const step of journey.steps) lines.push(`    ${step.id.padEnd(width)}  ${describeStep(step)}`);
  return lines;
}

function describeLimits(perDay: number | undefined, total: number | undefined): string {
  return [perDay ? `${perDay} per day` : '', total ? `${total} per customer in all` : '']
    .filter(Boolean)
    .join(', ');
}

function describeTrigger(trigger: Trigger): string {
  if (trigger.date) return describeDateTrigger(trigger.date);
  if (trigger.schedule) return describeScheduleTrigger(trigger.schedule);
  if (trigger.segment) return `entering segment ${trigger.segment.id}`;
  if (trigger.stage) {
    const from = trigger.stage.from ? ` from ${trigger.stage.from.join('|')}` : '';
    return `lifecycle stage change to ${trigger.stage.to.join('|')}${from}`;
  }
  return `event ${JSON.stringify(trigger.event)}`;
}
