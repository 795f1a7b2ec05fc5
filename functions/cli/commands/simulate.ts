import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatEventProblem } from '../../core/events/index.ts';
import { formatSummary, formatTimelineEntry } from '../../core/simulate/report.ts';
import { Simulation } from '../../core/simulate/simulation.ts';
import { streamEvents } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { describePolicies, pipelineFor, policiesOptions, policiesUsage } from '../load-policies.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';

export const simulateUsage = `Usage: cairn simulate --events events.ndjson [--journeys journeys/] [--until ISO-time]
                      [--out result.json] [--user ID] [--timezone UTC] [--policies FILE] [--env NAME]

Runs the journeys over the events with a virtual clock and prints what happened per journey and step.
  --events    NDJSON customer events in time order (required)
  --journeys  journey folder or files (default journeys/)
  --until     keep the clock running to this time, firing due waits (default: 30 days after the last event)
  --out       write messages, enrollments and counters as JSON
  --user      also print the timeline of this customer
  --timezone  for local-time waits and policies when a profile has no timezone (default UTC)
${policiesUsage}`;

const DAY = 86_400_000;
const PROGRESS_EVERY = 250_000;
const MAX_REPORTED_PROBLEMS = 20;

export async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string' },
      journeys: { type: 'string', default: 'journeys' },
      until: { type: 'string' },
      out: { type: 'string' },
      user: { type: 'string' },
      timezone: { type: 'string', default: 'UTC' },
      ...policiesOptions,
    },
    strict: true,
  });
  if (!values.events) {
    io.stderr(`cairn simulate: --events is required\n\n${simulateUsage}`);
    return 2;
  }
  const setup = await loadSimulationSetup(values, io, 'simulate');
  if (typeof setup === 'number') return setup;
  const { until, catalog, lifecycle, policies } = setup;
  const pipeline = pipelineFor(policies, values.timezone);

  const timeline: string[] = [];
  const simulation = new Simulation({
    catalog,
    defaultTimezone: values.timezone,
    ...(pipeline ? { pipeline } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(values.user
      ? {
          observe: (effect, outcome) => {
            if (effect.userId !== values.user) return;
            const line = formatTimelineEntry(effect, outcome);
            if (line) timeline.push(line);
          },
        }
      : {}),
  });

  const started = Date.now();
  let rejected = 0;
  let lastEventAt = Number.NEGATIVE_INFINITY;
  try {
    for await (const line of streamEvents(values.events)) {
      if ('problems' in line) {
        rejected++;
        if (rejected <= MAX_REPORTED_PROBLEMS) {
          for (const p of line.problems) io.stderr(`${values.events}:${line.line}: ${formatEventProblem(p)}`);
        }
        continue;
      }
      await simulation.processEvent(line.event);
      lastEventAt = Math.max(lastEventAt, Date.parse(line.event.time));
      if (simulation.eventsIn % PROGRESS_EVERY === 0) {
        io.stderr(
          `... ${simulation.eventsIn.toLocaleString('en-US')} events, virtual time ${new Date(simulation.now).toISOString()}`,
        );
      }
    }
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  if (rejected > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${rejected - MAX_REPORTED_PROBLEMS} more rejected event(s)`);
  const end = until ?? (Number.isFinite(lastEventAt) ? lastEventAt + 30 * DAY : started);
  await simulation.finish(end);

  const { tally } = simulation;
  const messages = [...tally.messages.values()];
  const sent = messages.filter((m) => m.status === 'SENT').length;
  io.stdout(
    `Simulated ${simulation.eventsIn.toLocaleString('en-US')} event(s) (${rejected} rejected, ${simulation.lateEvents} out of order) ` +
      `until ${new Date(end).toISOString()}: ${tally.enrollments.size.toLocaleString('en-US')} enrollment(s), ` +
      `${sent.toLocaleString('en-US')} message(s) sent, ${simulation.pendingTimers()} wait(s) still pending.`,
  );
  io.stdout(`Applied ${describePolicies(policies)}.`);
  io.stdout('');
  for (const line of formatSummary(tally)) io.stdout(line);
  if (values.user) {
    io.stdout(`Timeline of ${values.user}:`);
    for (const line of timeline.length > 0 ? timeline : ['  (nothing happened to this customer)'])
      io.stdout(`  ${line}`);
  }
  if (values.out) {
    const result = {
      until: new Date(end).toISOString(),
      eventsIn: simulation.eventsIn,
      rejected,
      policies: policies ? { file: policies.file, environment: policies.environment ?? null } : null,
      messages,
      enrollments: [...tally.enrollments.values()],
      journeys: tally.journeys,
    };
    await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
    io.stdout(`Wrote ${values.out}`);
  }
  return rejected > 0 ? 1 : 0;
}
