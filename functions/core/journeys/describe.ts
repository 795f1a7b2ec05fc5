import type { Condition, EventCondition, Journey, Step, Trigger } from './schema.ts';

/** A plain-text account of what a journey does, for people reviewing it in a terminal. */
export function describeJourney(journey: Journey, file: string): string[] {
  const lines = [`${journey.id}: ${journey.name} [${journey.status}, ${journey.category}] (${file})`];
  lines.push(`  trigger  ${describeTrigger(journey.trigger)}`);
  if (journey.audience) lines.push(`  audience ${describeCondition(journey.audience)}`);
  const { reentry, maxEntries, dedupeBy } = journey.entry;
  const rule =
    reentry === 'never'
      ? 'once'
      : reentry === 'always'
        ? 'again whenever not enrolled'
        : `again after ${reentry}`;
  lines.push(
    `  entry    ${rule}${maxEntries ? `, at most ${maxEntries} times` : ''}${dedupeBy ? `, per ${dedupeBy}` : ''}`,
  );
  if (journey.goal) lines.push(`  goal     ${describeEvent(journey.goal)} within ${journey.goal.within}`);
  for (const exit of journey.exit ?? []) lines.push(`  exit on  ${describeEvent(exit)}`);
  if (journey.limits) lines.push(`  limits   ${describeLimits(journey.limits.perDay, journey.limits.total)}`);
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
  if (trigger.stage) {
    const from = trigger.stage.from ? ` from ${trigger.stage.from.join('|')}` : '';
    return `lifecycle stage change to ${trigger.stage.to.join('|')}${from}`;
  }
  return `event ${JSON.stringify(trigger.event)}`;
}

function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  if (condition.stages) parts.push(`stage in ${condition.stages.join('|')}`);
  if (condition.profile) parts.push(`profile ${JSON.stringify(condition.profile)}`);
  if (condition.trigger) parts.push(`trigger ${JSON.stringify(condition.trigger)}`);
  return parts.join(' and ');
}

function describeEvent(condition: EventCondition): string {
  const correlate = condition.correlate ? ` with the same ${condition.correlate.join(', ')}` : '';
  return `${JSON.stringify(condition.pattern)}${correlate}`;
}

function then(next: string | undefined): string {
  return next ? ` -> ${next}` : ' -> (end)';
}

function describeStep(step: Step): string {
  switch (step.type) {
    case 'send': {
      const channels = Array.isArray(step.channel) ? step.channel.join(' > ') : step.channel;
      return `send ${channels} "${step.template}" (${step.priority} priority)${then(step.next)}`;
    }
    case 'wait': {
      if (step.duration) return `wait ${step.duration}${then(step.next)}`;
      if (step.until) {
        const days = step.until.days ? ` on ${step.until.days.join(',')}` : '';
        return `wait until ${step.until.time} local time${days}${then(step.next)}`;
      }
      const event = step.event ? describeEvent(step.event) : '';
      return `wait for ${event}${then(step.next)}; after ${step.timeout ?? '?'}${then(step.onTimeout)}`;
    }
    case 'branch':
      return `branch: ${step.branches.map((b) => `${b.name ?? describeCondition(b.when)}${then(b.next)}`).join('; ')}; otherwise${then(step.default)}`;
    case 'split':
      return `split: ${step.variants.map((v) => `${v.name} ${v.percent}%${then(v.next)}`).join('; ')}`;
    case 'holdout':
      return `hold out ${step.percent}% as control${then(step.next)}`;
    case 'update-profile':
      return `update profile${step.set ? ` set ${Object.keys(step.set).join(', ')}` : ''}${step.unset ? ` unset ${step.unset.join(', ')}` : ''}${then(step.next)}`;
    case 'emit-event':
      return `emit "${step.detailType}"${then(step.next)}`;
    case 'exit':
      return `exit${step.reason ? ` (${step.reason})` : ''}`;
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}
