import type { CallIntent } from '../calls/intent.ts';
import type { Effect } from '../engine/effects.ts';
import type { SendIntent } from '../engine/state.ts';
import type { DeliveryOutcome } from '../policies/outcome.ts';
import type { Observation } from '../ports/observer.ts';
import { formatResults } from '../results/format.ts';
import type { JourneyResults } from '../results/group-results.ts';
import { canonicalJourneys, sumRuns } from './counters.ts';
import type { SimulationSummary } from './part.ts';
import { journeyResults } from './results.ts';
import type { JourneyCounters, RunTally, Tally } from './tally.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

function counts(counter: Record<string, number>): string {
  const entries = Object.entries(counter).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
}

/** What one simulation's tally sums up to (the summary of a single share: simulate/part.ts merges several). */
export function summaryOf(tally: Tally): SimulationSummary {
  return {
    journeys: canonicalJourneys(tally.journeys, tally.catalog),
    runs: sumRuns([[...tally.runs.values()]]),
    results: journeyResults(tally),
  };
}

/** The per-journey, per-step summary the simulator prints. */
export function formatSummary(summary: SimulationSummary): string[] {
  const lines: string[] = [];
  const { results } = summary;
  for (const [id, journey] of Object.entries(summary.journeys).sort((a, b) => a[0].localeCompare(b[0]))) {
    const runs = summary.runs.filter((r) => r.journeyId === id);
    lines.push(...formatJourney(id, journey, results[id]), ...runs.map(formatRun), '');
  }
  return lines;
}

/** One run of a scheduled journey: its record (audience, entries, skips) and what the engine made of them. */
export function formatRun(run: RunTally): string {
  const record = run.record;
  const handed = record
    ? `audience ${fmt(record.audience)}, entry inputs ${fmt(record.entries)} (${fmt(record.timers)} at local time), skipped ${counts(record.skipped)}${record.attempts > 1 ? `, ${record.attempts} attempts` : ''}`
    : 'not completed';
  return `  run ${run.run}  ${handed}; entered ${fmt(run.entered)}, not entered: ${counts(run.notEntered)}`;
}

function formatJourney(id: string, journey: JourneyCounters, results: JourneyResults | undefined): string[] {
  const lines = [
    `${id}`,
    `  entered      ${fmt(journey.entered)}   not entered: ${counts(journey.notEntered)}`,
  ];
  const width = Math.max(0, ...Object.keys(journey.steps).map((s) => s.length));
  for (const [stepId, step] of Object.entries(journey.steps)) {
    const parts = [`entered ${fmt(step.entered)}`];
    if (Object.keys(step.sentByChannel).length > 0) parts.push(`sent ${counts(step.sentByChannel)}`);
    const notSent = Object.fromEntries(Object.entries(step.outcomes).filter(([k]) => !k.startsWith('SENT:')));
    if (Object.keys(notSent).length > 0) parts.push(`not sent ${counts(notSent)}`);
    if (Object.keys(step.withheld).length > 0) parts.push(`withheld ${counts(step.withheld)}`);
    if (step.waiting > 0) parts.push(`waiting ${fmt(step.waiting)}`);
    lines.push(`  step ${stepId.padEnd(width)}  ${parts.join('; ')}`);
  }
  lines.push(`  exited       ${counts(journey.exited)}`);
  if (Object.keys(journey.outcomes).length > 0) lines.push(`  outcomes     ${counts(journey.outcomes)}`);
  if (Object.keys(journey.held).length > 0) lines.push(`  held         ${counts(journey.held)}`);
  if (Object.keys(journey.notes).length > 0) lines.push(`  notes        ${counts(journey.notes)}`);
  const groups = Object.entries(journey.goalByGroup).sort((a, b) => a[0].localeCompare(b[0]));
  if (journey.goalReached > 0 || groups.some(([, g]) => g.entered > 0)) {
    const byGroup = groups.map(
      ([name, g]) => `${name} ${fmt(g.reached)}/${fmt(g.entered)} (${pct(g.reached, g.entered)})`,
    );
    // With groups to compare, the per-customer results below are the figures to read: a customer who enters
    // again counts once there, not once per enrollment as here.
    const label = results ? 'goal reached (enrollments)' : 'goal reached';
    lines.push(`  ${label} ${fmt(journey.goalReached)}: ${byGroup.join(', ')}`);
  }
  if (results) lines.push(...formatResults(results));
  return lines;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The lines of one observation about this customer, for `--user`: one per decision. */
export function formatTimelineEntry(observation: Observation, userId: string): string[] {
  if (observation.type === 'delivered') {
    const { intent, outcome, at } = observation;
    return intent.userId === userId ? [`${iso(at)}  ${describeSend(intent, outcome)}`] : [];
  }
  if (observation.type === 'called') {
    const { intent, attempt, reason, at } = observation;
    return intent.userId === userId ? [`${iso(at)}  ${describeCallAttempt(intent, attempt, reason)}`] : [];
  }
  if (observation.type !== 'applied' || observation.userId !== userId) return [];
  return observation.effects.flatMap((effect) => {
    const text = describeEffect(effect);
    return text === undefined ? [] : [`${iso(effect.at)}  ${text}`];
  });
}

function describeSend(intent: SendIntent, outcome: DeliveryOutcome): string {
  const until = 'until' in outcome && outcome.until ? ` until ${new Date(outcome.until).toISOString()}` : '';
  const rule = 'rule' in outcome && outcome.rule ? ` [${outcome.rule}]` : '';
  const notes = 'notes' in outcome && outcome.notes?.length ? ` {${outcome.notes.join(', ')}}` : '';
  const channel = 'channel' in outcome && outcome.channel ? outcome.channel : intent.channels.join('|');
  return `${intent.journeyId}: ${intent.stepId} ${intent.template} via ${channel}: ${outcome.status} (${outcome.reason})${until}${rule}${notes}`;
}

function describeEffect(effect: Effect): string | undefined {
  switch (effect.type) {
    case 'enrolled':
      return `${effect.journeyId}: entered (version ${effect.version}${effect.key ? `, key ${effect.key}` : ''})`;
    case 'not-enrolled':
      return `${effect.journeyId}: not entered (${effect.reason})`;
    case 'moved':
      return `${effect.journeyId}: at step ${effect.stepId}`;
    case 'send':
      // Shown when deliver decides it (describeSend).
      return undefined;
    case 'send-withheld':
      return `${effect.journeyId}: ${effect.stepId} ${effect.template} withheld (${effect.reason})`;
    case 'timer-scheduled':
      if (effect.timer.kind === 'lifecycle')
        return `lifecycle: next stage check at ${new Date(effect.timer.dueAt).toISOString()}`;
      if (effect.timer.kind === 'date')
        return `${effect.timer.journeyId}: next date ${effect.timer.occurrence} at ${new Date(effect.timer.dueAt).toISOString()}`;
      if (effect.timer.kind === 'segments')
        return `segments: next membership check at ${new Date(effect.timer.dueAt).toISOString()}`;
      if (effect.timer.kind === 'entry')
        return `${effect.timer.journeyId}: entry of run ${effect.timer.run} at ${new Date(effect.timer.dueAt).toISOString()}`;
      return `${effect.timer.journeyId}: waiting at ${effect.timer.stepId} until ${new Date(effect.timer.dueAt).toISOString()} (${effect.timer.kind})`;
    case 'timer-deferred':
      return `${effect.journeyId}: wait held (${effect.reason}) until ${new Date(effect.timer.dueAt).toISOString()}`;
    case 'timer-cancelled':
      return undefined;
    case 'event-emitted':
      return `${effect.journeyId}: emitted "${effect.detailType}"`;
    case 'call':
      return `${effect.intent.journeyId}: call at ${effect.intent.stepId} queued`;
    case 'call-answered':
      return `${effect.journeyId}: call at ${effect.stepId} ${effect.ok ? 'answered' : `failed (${effect.reason ?? 'unknown'})`}`;
    case 'profile-updated':
      return `${effect.journeyId}: profile updated (${[...Object.keys(effect.set), ...effect.unset].join(', ')})`;
    case 'split-assigned':
      return `${effect.journeyId}: variant ${effect.variant} at ${effect.stepId}`;
    case 'held-out':
      return `${effect.journeyId}: held out as control at ${effect.stepId}`;
    case 'goal-reached':
      return `${effect.journeyId}: goal reached${effect.holdout ? ' (control group)' : ''}${effect.variant ? ` (variant ${effect.variant})` : ''}`;
    case 'exited':
      return `${effect.journeyId}: exited at ${effect.stepId} (${effect.reason})`;
    case 'stage-changed':
      return `lifecycle: stage ${effect.from ?? 'none'} -> ${effect.to ?? 'none'} (${effect.reason})`;
    case 'segment-changed':
      return `segments: ${effect.entered ? 'entered' : 'left'} ${effect.segment}`;
    case 'ignored':
      return `ignored ${effect.inputKey} (${effect.reason})`;
    default: {
      const unknown: never = effect;
      return String(unknown);
    }
  }
}

/** One attempt of a call, for timelines: where it went (never a header value), and how it failed if it did. */
export function describeCallAttempt(intent: CallIntent, attempt: number, reason: string | undefined): string {
  const { target } = intent;
  const where = target.kind === 'http' ? `${target.method} ${target.url}` : `lambda ${target.function}`;
  return `${intent.journeyId}: call at ${intent.stepId} (attempt ${attempt}) ${where}: ${reason === undefined ? 'answered' : `failed (${reason})`}`;
}
