import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { CustomerState } from '../../../functions/core/engine/state.ts';
import { type CustomerEvent, parseNdjsonEvents } from '../../../functions/core/events/index.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';
import { loadLifecycleConfig } from '../../../functions/core/lifecycle/lifecycle-file.ts';
import { compileLifecycle, type LifecycleModel } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { sampleConfig } from '../../handlers/support.ts';

const JOURNEYS = 'journeys';
const NOT_JOURNEYS = new Set(['schema.json', 'lifecycle.yaml', 'policies.yaml']);

export type SampleSetup = { catalog: JourneyCatalog; lifecycle: LifecycleModel };

/** The sample journeys and lifecycle model of journeys/, failing loudly on any problem. */
export async function sampleSetup(): Promise<SampleSetup> {
  const names = (await readdir(JOURNEYS)).filter((n) => /\.ya?ml$/.test(n) && !NOT_JOURNEYS.has(n)).sort();
  const files = await Promise.all(
    names.map(async (name) => ({ file: name, text: await readFile(join(JOURNEYS, name), 'utf8') })),
  );
  const { journeys, problems } = loadJourneySet(files);
  if (problems.length > 0) throw new Error(problems.map(formatProblem).join('\n'));
  const lifecycleFile = join(JOURNEYS, 'lifecycle.yaml');
  const { config, problems: lifecycleProblems } = loadLifecycleConfig(
    lifecycleFile,
    await readFile(lifecycleFile, 'utf8'),
  );
  if (!config) throw new Error(lifecycleProblems.map(formatProblem).join('\n'));
  return { catalog: new JourneyCatalog(journeys.map((j) => j.journey)), lifecycle: compileLifecycle(config) };
}

/** The customer events of journeys/events/sample.ndjson. */
export async function sampleEvents(): Promise<CustomerEvent[]> {
  const lines = parseNdjsonEvents(await readFile(join(JOURNEYS, 'events', 'sample.ndjson'), 'utf8'));
  return lines.flatMap((line) => ('event' in line ? [line.event] : []));
}

export function generatedEvents(users: number, days: number, seed = 1): CustomerEvent[] {
  return [...generateEvents({ users, days, seed, start: '2026-11-01' })];
}

/**
 * Runs events through the sample journeys with the simulator and returns the state of the event's customer
 * after every event: the states the runtime would write, one per event, in order.
 */
export async function statesAfterEachEvent(
  setup: SampleSetup,
  events: readonly CustomerEvent[],
): Promise<CustomerState[]> {
  // As a function runs them: the sample templates and policies too, so the states hold what the runtime writes.
  const simulation = new Simulation({ config: { ...(await sampleConfig()), ...setup } });
  const states: CustomerState[] = [];
  for (const event of events) {
    await simulation.processEvent(event);
    const state = simulation.stateOf(event.detail.userId);
    if (state) states.push(state);
  }
  return states;
}
