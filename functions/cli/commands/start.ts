import { parseArgs } from 'node:util';
import type { JourneyCatalog } from '../../core/engine/catalog.ts';
import { formatEventProblem } from '../../core/events/index.ts';
import { generateEvents } from '../../core/generate/index.ts';
import type { LifecycleModel } from '../../core/lifecycle/lifecycle.ts';
import { formatSummary, formatTimelineEntry } from '../../core/simulate/report.ts';
import { Simulation } from '../../core/simulate/simulation.ts';
import { streamEvents } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog, loadLifecycle } from '../load-catalog.ts';
import {
  describePolicies,
  type LoadedPolicies,
  loadPolicyChoice,
  pipelineFor,
  policiesOptions,
  policiesUsage,
} from '../load-policies.ts';
import { testJourneysCommand } from './test-journeys.ts';

export const startUsage = `Usage: cairn start [--journeys journeys/] [--events journeys/events/sample.ndjson]
                   [--user usr_1002] [--users 500] [--days 30] [--seed 1] [--policies FILE] [--env NAME]

Runs Cairn locally on the sample journeys, offline and with a virtual clock:
  1. validates the journeys and runs their journey tests,
  2. replays the sample events and shows one customer's timeline,
  3. generates a synthetic population (--users, --days, --seed) and replays it.
Every send goes through the delivery policies (consent, quiet hours, caps; docs/policies.md).
${policiesUsage}
The serverless runtime is not part of it yet.`;

const DAY = 86_400_000;

function heading(io: CliIo, text: string): void {
  io.stdout(`\n== ${text} ==`);
}

/** `npm start`: what a new user runs first. It grows into the local stack as the runtime arrives. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      journeys: { type: 'string', default: 'journeys' },
      events: { type: 'string', default: 'journeys/events/sample.ndjson' },
      user: { type: 'string', default: 'usr_1002' },
      users: { type: 'string', default: '500' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      ...policiesOptions,
    },
    strict: true,
  });
  const [users, days, seed] = [Number(values.users), Number(values.days), Number(values.seed)];
  if (![users, days, seed].every((n) => Number.isInteger(n) && n >= 0) || users === 0 || days === 0) {
    io.stderr('cairn start: --users and --days must be positive whole numbers and --seed a whole number');
    return 2;
  }

  heading(io, `1. Journeys in ${values.journeys}`);
  const catalog = await loadCatalog([values.journeys], io, 'start');
  const lifecycle = await loadLifecycle(values.journeys, io, 'start');
  if (!catalog || lifecycle === undefined) return 1;
  const policies = await loadPolicyChoice(values.journeys, values.policies, values.env, io, 'start');
  if (policies === undefined) return 1;
  const model = lifecycle ? { lifecycle } : {};
  for (const { journey } of catalog.latest()) {
    io.stdout(
      `  ${journey.id.padEnd(18)} ${journey.status.padEnd(7)} ${journey.category.padEnd(13)} ${journey.steps.length} steps  ${journey.name}`,
    );
  }
  io.stdout('  ("npx cairn validate" shows what each one does, step by step)');
  io.stdout(`  Sends apply ${describePolicies(policies)}.`);
  const testsFailed = (await testJourneysCommand(['--journeys', values.journeys], indent(io))) !== 0;

  heading(io, `2. Sample events in ${values.events}, timeline of ${values.user}`);
  const sample = await replayFile(catalog, lifecycle ?? undefined, policies, values.events, values.user, io);
  if (sample === undefined) return 2;

  heading(io, `3. Synthetic population: ${users} users over ${days} days (seed ${seed})`);
  const pipeline = pipelineFor(policies, 'UTC');
  const simulation = new Simulation({ catalog, ...model, ...(pipeline ? { pipeline } : {}) });
  let last = 0;
  for (const event of generateEvents({ users, days, seed, start: '2026-11-01' })) {
    await simulation.processEvent(event);
    last = Math.max(last, Date.parse(event.time));
  }
  await simulation.finish(last + 30 * DAY);
  io.stdout(summaryLine(simulation, last + 30 * DAY));
  for (const line of formatSummary(simulation.tally)) io.stdout(line === '' ? '' : `  ${line}`);
  io.stdout('Next: "npx cairn simulate --help", "npx cairn generate-events --help", docs/journeys.md.');
  return testsFailed || sample > 0 ? 1 : 0;
}

function indent(io: CliIo): CliIo {
  return { ...io, stdout: (s) => io.stdout(s === '' ? '' : `  ${s}`) };
}

function summaryLine(simulation: Simulation, until: number): string {
  const messages = [...simulation.tally.messages.values()];
  return (
    `  ${simulation.eventsIn.toLocaleString('en-US')} events until ${new Date(until).toISOString().slice(0, 10)}: ` +
    `${simulation.tally.enrollments.size.toLocaleString('en-US')} enrollments, ` +
    `${messages.filter((m) => m.status === 'SENT').length.toLocaleString('en-US')} messages sent\n`
  );
}

/** Replays an event file and prints the summary and one customer's timeline; returns the rejected count. */
async function replayFile(
  catalog: JourneyCatalog,
  lifecycle: LifecycleModel | undefined,
  policies: LoadedPolicies | null,
  path: string,
  user: string,
  io: CliIo,
): Promise<number | undefined> {
  const timeline: string[] = [];
  const pipeline = pipelineFor(policies, 'UTC');
  const simulation = new Simulation({
    catalog,
    ...(lifecycle ? { lifecycle } : {}),
    ...(pipeline ? { pipeline } : {}),
    observe: (effect, outcome) => {
      const line = effect.userId === user ? formatTimelineEntry(effect, outcome) : undefined;
      if (line) timeline.push(line);
    },
  });
  let rejected = 0;
  let last = 0;
  try {
    for await (const line of streamEvents(path)) {
      if ('problems' in line) {
        rejected++;
        for (const p of line.problems) io.stderr(`${path}:${line.line}: ${formatEventProblem(p)}`);
        continue;
      }
      await simulation.processEvent(line.event);
      last = Math.max(last, Date.parse(line.event.time));
    }
  } catch (error) {
    io.stderr(
      `cairn start: cannot read ${path} (${error instanceof Error ? error.message : String(error)}); pass --events with an NDJSON file`,
    );
    return undefined;
  }
  await simulation.finish(last + 30 * DAY);
  io.stdout(summaryLine(simulation, last + 30 * DAY).replace('events', `events (${rejected} rejected)`));
  for (const line of timeline.length > 0 ? timeline : ['(nothing happened to this customer)'])
    io.stdout(`  ${line}`);
  return rejected;
}
