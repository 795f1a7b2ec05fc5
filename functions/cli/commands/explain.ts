import { parseArgs } from 'node:util';
import type { Effect } from '../../core/engine/effects.ts';
import type { SendIntent } from '../../core/engine/state.ts';
import type { CustomerEvent } from '../../core/events/index.ts';
import type { Policies } from '../../core/policies/config.ts';
import { describeRule } from '../../core/policies/describe.ts';
import type { DeliveryOutcome } from '../../core/policies/outcome.ts';
import { resolveTimezone } from '../../core/profile/profile.ts';
import { describeCallAttempt } from '../../core/simulate/report.ts';
import { Simulation } from '../../core/simulate/simulation.ts';
import { localParts } from '../../core/time/zoned.ts';
import { streamEvents } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { describePolicies, policiesOptions, policiesUsage } from '../load-policies.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';

export const explainUsage = `Usage: cairn explain --user ID --events events.ndjson [--journey ID] [--journeys journeys/]
                     [--until ISO-time] [--timezone UTC] [--policies FILE] [--env NAME]

Prints, in time order, every decision Cairn made for one customer: each journey entered or not and why, each
message with its outcome (SENT, DEFERRED, SKIPPED, DROPPED), the reason, and the policy rule that applied.
It replays that customer's events exactly as "cairn simulate" does with the same options, so it explains a
simulation's result (docs/policies.md).
  --user      the customer's userId (required)
  --events    NDJSON customer events, as given to cairn simulate (required)
  --journey   only this journey's decisions
  --journeys  journey folder or files (default journeys/)
  --until     as in cairn simulate (default: 30 days after the last event of the file)
  --timezone  as in cairn simulate (default UTC)
${policiesUsage}`;

const DAY = 86_400_000;

export async function explainCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: 'string' },
      events: { type: 'string' },
      journey: { type: 'string' },
      journeys: { type: 'string', default: 'journeys' },
      until: { type: 'string' },
      timezone: { type: 'string', default: 'UTC' },
      ...policiesOptions,
    },
    strict: true,
  });
  if (!values.user || !values.events) {
    io.stderr(`cairn explain: --user and --events are required\n\n${explainUsage}`);
    return 2;
  }
  const setup = await loadSimulationSetup(values, io, 'explain');
  if (typeof setup === 'number') return setup;
  const { until, config, policies: loaded } = setup;
  if (values.journey !== undefined && !config.catalog.latestOf(values.journey)) {
    io.stderr(`cairn explain: no journey "${values.journey}" in ${values.journeys}`);
    return 2;
  }

  // Every decision about a customer depends only on their own events and the configuration, so replaying
  // just their events gives the decisions the whole simulation made for them.
  const { user, journey } = values;
  const lines: string[] = [];
  const zoneOf = () => {
    const profile = simulation.stateOf(user)?.profile;
    return profile ? resolveTimezone(profile, values.timezone).zone : values.timezone;
  };
  const simulation: Simulation = new Simulation({
    config,
    observer: {
      observe: (observation) => {
        if (observation.type === 'delivered') {
          const { intent, outcome, at } = observation;
          if (intent.userId !== user || (journey !== undefined && intent.journeyId !== journey)) return;
          lines.push(...explainSend(intent, outcome, at, loaded?.policies, zoneOf()));
          return;
        }
        if (observation.type === 'called') {
          const { intent, attempt, reason, at } = observation;
          if (intent.userId !== user || (journey !== undefined && intent.journeyId !== journey)) return;
          lines.push(`${new Date(at).toISOString()}  ${describeCallAttempt(intent, attempt, reason)}`);
          return;
        }
        if (observation.type !== 'applied' || observation.userId !== user) return;
        for (const effect of observation.effects)
          if (journey === undefined || journeyOf(effect) === journey) lines.push(...explainEffect(effect));
      },
    },
  });
  const mine: CustomerEvent[] = [];
  let lastEventAt = Number.NEGATIVE_INFINITY;
  try {
    for await (const line of streamEvents(values.events)) {
      if ('problems' in line) continue;
      lastEventAt = Math.max(lastEventAt, Date.parse(line.event.time));
      if (line.event.detail.userId === user) mine.push(line.event);
    }
  } catch (error) {
    io.stderr(
      `cairn explain: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  if (mine.length === 0) {
    io.stderr(`cairn explain: no events of customer "${user}" in ${values.events}`);
    return 1;
  }
  for (const event of mine) await simulation.processEvent(event);
  await simulation.finish(until ?? lastEventAt + 30 * DAY);

  io.stdout(
    `Decisions for ${user}${journey ? ` in ${journey}` : ''}: ${mine.length} event(s) from ${values.events}, ` +
      `${describePolicies(loaded)}.`,
  );
  for (const line of lines.length > 0 ? lines : ['(no decisions)']) io.stdout(line);
  return 0;
}

function journeyOf(effect: Effect): string | undefined {
  if (effect.type === 'send') return effect.intent.journeyId;
  if (effect.type === 'timer-scheduled')
    return effect.timer.kind === 'lifecycle' || effect.timer.kind === 'segments'
      ? undefined
      : effect.timer.journeyId;
  return 'journeyId' in effect ? effect.journeyId : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const localTime = (ms: number, zone: string) => `${localParts(ms, zone).isoLocal.slice(11, 16)} ${zone}`;

/** The lines of a send's outcome, with the rule that decided it and the local time that mattered. */
export function explainSend(
  intent: SendIntent,
  outcome: DeliveryOutcome,
  at: number,
  policies: Policies | undefined,
  zone: string,
): string[] {
  const channel = 'channel' in outcome ? outcome.channel : undefined;
  const until = 'until' in outcome ? outcome.until : undefined;
  const via = channel ? ` via ${channel}` : '';
  const held = until === undefined ? '' : ` until ${iso(until)} (${localTime(until, zone)})`;
  const lines = [
    `${iso(at)}  ${intent.journeyId}: ${intent.stepId} ${intent.template}${via}: ${outcome.status} ${outcome.reason}${held}`,
  ];
  if ('rule' in outcome && outcome.rule)
    lines.push(`      rule ${outcome.rule}: ${describeRule(policies, outcome.rule)}`);
  if (outcome.reason === 'quiet_time' || outcome.reason === 'outside_send_window')
    lines.push(`      local time ${localTime(at, zone)}`);
  for (const passed of ('passedOver' in outcome ? outcome.passedOver : undefined) ?? [])
    lines.push(`      passed over ${passed}`);
  for (const note of ('notes' in outcome ? outcome.notes : undefined) ?? [])
    lines.push(`      note ${note}: the environment's default timezone was used`);
  return lines;
}

/** The lines of one decision; effects that are steps of the machinery (moves, timers) are left out. */
export function explainEffect(effect: Effect): string[] {
  const at = iso(effect.at);
  switch (effect.type) {
    case 'enrolled':
      return [`${at}  ${effect.journeyId}: entered${effect.key ? ` (key ${effect.key})` : ''}`];
    case 'not-enrolled':
      return [`${at}  ${effect.journeyId}: not entered (${effect.reason})`];
    case 'send':
      // Explained when deliver decides it (explainSend).
      return [];
    case 'send-withheld':
      return [`${at}  ${effect.journeyId}: ${effect.stepId} ${effect.template}: withheld (${effect.reason})`];
    case 'held-out':
      return [`${at}  ${effect.journeyId}: held out as control at ${effect.stepId}`];
    case 'split-assigned':
      return [`${at}  ${effect.journeyId}: variant ${effect.variant} at ${effect.stepId}`];
    case 'goal-reached':
      return [`${at}  ${effect.journeyId}: goal reached`];
    case 'exited':
      return [`${at}  ${effect.journeyId}: exited at ${effect.stepId} (${effect.reason})`];
    case 'stage-changed':
      return [
        `${at}  lifecycle: stage ${effect.from ?? 'none'} -> ${effect.to ?? 'none'} (${effect.reason})`,
      ];
    case 'segment-changed':
      return [`${at}  segments: ${effect.entered ? 'entered' : 'left'} ${effect.segment}`];
    case 'call-answered':
      return [
        `${at}  ${effect.journeyId}: call at ${effect.stepId} ${effect.ok ? `answered${effect.saved.length ? ` (saved ${effect.saved.join(', ')})` : ''}` : `failed (${effect.reason ?? 'unknown'})`}`,
      ];
    case 'call':
    case 'moved':
    case 'timer-scheduled':
    case 'timer-cancelled':
    case 'timer-deferred':
    case 'event-emitted':
    case 'profile-updated':
    case 'ignored':
      return [];
    default: {
      const unknown: never = effect;
      return [String(unknown)];
    }
  }
}
