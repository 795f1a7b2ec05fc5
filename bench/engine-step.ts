// npm run bench -- engine: events per CPU-second of the engine step, beside json-rules-engine with 50 rules on
// the same events (docs/benchmarks.md, "The engine step").

import { type CustomerState, newCustomerState } from '../functions/core/engine/state.ts';
import type { CustomerEvent } from '../functions/core/events/index.ts';
import { DEFAULT_INPUT_LIMITS } from '../functions/core/events/limits.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import { noPolicies } from '../functions/core/policies/config.ts';
import { engineContext, type RuntimeConfig } from '../functions/core/runtime/config.ts';
import { transition } from '../functions/core/runtime/transition.ts';
import { parseInstant } from '../functions/core/time/instant.ts';
import { loadRuntimeConfig } from '../functions/handlers/shared/config.ts';
import { fmt, spread } from './rounds.ts';
import { runRules } from './rules-engine.ts';

/** The events every throughput figure is measured on: the first 200,000 of a month of a 10,000-customer shop. */
export const BENCH_EVENTS = {
  count: 200_000,
  options: { users: 10_000, days: 31, seed: 42, start: '2026-11-01' },
} as const;

/**
 * json-rules-engine runs on the first 20,000 of the same events: at about a millisecond an event it would take
 * minutes a round on all of them, and its cost per event does not grow with the events before (it keeps three
 * counters per customer, which the harness updates).
 */
const RULES_EVENTS = 20_000;

export function benchEvents(count: number = BENCH_EVENTS.count): CustomerEvent[] {
  const events: CustomerEvent[] = [];
  for (const event of generateEvents(BENCH_EVENTS.options)) {
    if (events.length === count) break;
    events.push(event);
  }
  return events;
}

/** The sample journeys, templates, lifecycle.yaml and policies.yaml, as a function runs them; or journeys only. */
export async function sampleConfig(withModels: boolean): Promise<RuntimeConfig> {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  return withModels ? config : { ...config, lifecycle: undefined, policies: noPolicies() };
}

/** CPU microseconds of this process (user and system, every thread) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(from);
  return user + system;
}

/**
 * The engine step over every event in order: each applied to its customer's state, held in a Map, by the
 * transition ingest applies (runtime/transition.ts) at the event's time. Effects are made and dropped: no
 * queue, no timer fired, no message rendered. Returns events per CPU-second.
 */
export function engineStepRound(config: RuntimeConfig, events: readonly CustomerEvent[]): number {
  const states = new Map<string, CustomerState>();
  const delivery = { policies: config.policies, defaultTimezone: config.defaultTimezone };
  const options = { delivery, limits: DEFAULT_INPUT_LIMITS };
  const started = process.cpuUsage();
  for (const event of events) {
    const { userId } = event.detail;
    const before = states.get(userId) ?? newCustomerState(userId);
    const context = engineContext(config, parseInstant(event.time));
    const { state } = transition(before, { kind: 'event', event }, context, options);
    if (state !== before) states.set(userId, state);
  }
  return events.length / (cpuSince(started) / 1e6);
}

async function rulesRound(events: readonly CustomerEvent[]): Promise<number> {
  const started = process.cpuUsage();
  await runRules(events);
  return events.length / (cpuSince(started) / 1e6);
}

/**
 * One warm-up round, then `rounds` rounds; each runs the three in turn (journeys only; with lifecycle and
 * policies; json-rules-engine), so that a ratio compares figures taken minutes apart at most.
 */
export async function engineStep(
  rounds = Number(process.env.CAIRN_BENCH_ROUNDS ?? 5),
  count = Number(process.env.CAIRN_BENCH_ENGINE_EVENTS ?? BENCH_EVENTS.count),
): Promise<void> {
  const events = benchEvents(count);
  const [journeys, full] = [await sampleConfig(false), await sampleConfig(true)];
  const rates = { journeys: [] as number[], full: [] as number[], rules: [] as number[] };
  for (let round = 0; round <= rounds; round++) {
    const figures = {
      journeys: engineStepRound(journeys, events),
      full: engineStepRound(full, events),
      rules: await rulesRound(events.slice(0, RULES_EVENTS)),
    };
    if (round === 0) continue;
    rates.journeys.push(figures.journeys);
    rates.full.push(figures.full);
    rates.rules.push(figures.rules);
  }
  const ratio = (of: number[]) => of.map((rate, i) => rate / (rates.rules[i] ?? Number.NaN));
  const active = [...journeys.catalog.latest()].filter((j) => j.journey.status === 'active').length;
  console.log(
    `engine step: ${fmt(events.length)} generated events (10,000 customers, 31 days, seed 42), ${active} sample journeys active, ${rounds} rounds after a warm-up, events per CPU-second (min / median / max)`,
  );
  console.log(`engine step, journeys only: ${spread(rates.journeys)}`);
  console.log(`engine step, with lifecycle and policies: ${spread(rates.full)}`);
  console.log(
    `json-rules-engine, 50 rules (bench/rules-engine.ts), the first ${fmt(Math.min(RULES_EVENTS, events.length))} events: ${spread(rates.rules)}`,
  );
  console.log(`ratio, journeys only / json-rules-engine: ${spread(ratio(rates.journeys), 1)}`);
  console.log(
    `ratio, with lifecycle and policies / json-rules-engine: ${spread(ratio(rates.full), 1)} (goal: 60)`,
  );
}
