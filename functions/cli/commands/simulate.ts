import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { OutcomeFiles } from '../../adapters/files/outcome-files.ts';
import { CallStub } from '../../core/calls/stubs.ts';
import { parseConfigFile } from '../../core/diagnostics/config-file.ts';
import { maskText } from '../../core/diagnostics/mask.ts';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import { observeAll, outcomeObserver } from '../../core/outcomes/observer.ts';
import type { Observer } from '../../core/ports/observer.ts';
import { formatSummary, formatTimelineEntry } from '../../core/simulate/report.ts';
import { simulateEventLines } from '../../core/simulate/run.ts';
import { streamEventLines } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { describePolicies, policiesOptions, policiesUsage } from '../load-policies.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';

export const simulateUsage = `Usage: cairn simulate --events events.ndjson [--journeys journeys/] [--until ISO-time]
                      [--out result.json] [--user ID] [--timezone UTC] [--calls FILE] [--policies FILE] [--env NAME]
                      [--log DIR] [--show-pii]

Runs the events through the runtime's own use cases (ingest, deliver, the timer sweep) on in-memory stores
and a virtual clock, and prints what happened per journey and step.
  --events    NDJSON customer events, in the order they arrive (required)
  --journeys  journey folder or files (default journeys/)
  --until     keep the clock running to this time, firing due waits (default: 30 days after the last event)
  --out       write messages, enrollments, dead letters and counters as JSON (the shape npm start --out writes)
  --user      also print the timeline of this customer
  --log       write the outcome log (one JSON line per enrollment, step, send, goal, exit...) under DIR, in
              day folders dt=YYYY-MM-DD, the layout the S3 bucket has on AWS (docs/outcomes.md)
  --timezone  for local-time waits and policies when a profile has no timezone (default UTC)
  --show-pii  print the email addresses and phone numbers that problems quote as they are (masked by default;
              --out files are not masked)
  --calls     a YAML or JSON list of call stubs that answer call steps, as in journey tests; without it
              every call fails ("no stub answers ...")
${policiesUsage}`;

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
      log: { type: 'string' },
      timezone: { type: 'string', default: 'UTC' },
      'show-pii': { type: 'boolean', default: false },
      calls: { type: 'string' },
      ...policiesOptions,
    },
    strict: true,
  });
  if (!values.events) {
    io.stderr(`cairn simulate: --events is required\n\n${simulateUsage}`);
    return 2;
  }
  // A problem may quote its line (a parse error does), and with it an address.
  const quoted = (text: string) => (values['show-pii'] ? text : maskText(text));
  const setup = await loadSimulationSetup(values, io, 'simulate');
  if (typeof setup === 'number') return setup;
  const stubs = values.calls ? await loadCallStubs(values.calls, io) : undefined;
  if (typeof stubs === 'number') return stubs;
  const { until, config, policies } = setup;

  const timeline: string[] = [];
  const { user } = values;
  const observer: Observer = {
    observe: (observation) => {
      for (const line of formatTimelineEntry(observation, user ?? '')) timeline.push(line);
    },
  };
  const log = values.log === undefined ? undefined : new OutcomeFiles({ dir: values.log, name: 'simulate' });
  const observers = observeAll(user ? observer : undefined, log && outcomeObserver(log));
  let shown = 0;
  let run: Awaited<ReturnType<typeof simulateEventLines>>;
  try {
    run = await simulateEventLines({
      config,
      lines: streamEventLines(values.events),
      until,
      policies: policies ? { file: policies.file, environment: policies.environment ?? null } : null,
      ...(user || log ? { observer: observers } : {}),
      wallClock: Date.now,
      ...(stubs ? { calls: stubs } : {}),
      onSkipped: (line, reason) => {
        if (++shown <= MAX_REPORTED_PROBLEMS) io.stderr(`${values.events}:${line}: ${quoted(reason)}`);
      },
      onEvent: (simulation) => {
        if (simulation.eventsIn % PROGRESS_EVERY === 0)
          io.stderr(
            `... ${simulation.eventsIn.toLocaleString('en-US')} events, virtual time ${new Date(simulation.now).toISOString()}`,
          );
      },
    });
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const { simulation, result } = run;
  const { skipped } = result;
  const end = Date.parse(result.until);
  if (skipped.length > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${skipped.length - MAX_REPORTED_PROBLEMS} more line(s) that are not events`);
  const invalid = result.deadLetters.filter((d) => d.kind === 'invalid-event');
  for (const letter of invalid.slice(0, MAX_REPORTED_PROBLEMS))
    io.stderr(
      `${values.events}:${letter.line ?? '?'}: event ${letter.id ?? '(no id)'}: ${quoted(letter.reason)}`,
    );
  if (invalid.length > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${invalid.length - MAX_REPORTED_PROBLEMS} more invalid event(s)`);
  const sent = result.messages.filter((m) => m.status === 'SENT').length;
  const rejected = skipped.length + invalid.length;
  io.stdout(
    `Simulated ${simulation.eventsIn.toLocaleString('en-US')} event(s) (${rejected} rejected, ${simulation.lateEvents} out of order) ` +
      `until ${new Date(end).toISOString()}: ${result.enrollments.length.toLocaleString('en-US')} enrollment(s), ` +
      `${sent.toLocaleString('en-US')} message(s) sent, ${simulation.pendingTimers()} wait(s) still pending.`,
  );
  io.stdout(`Applied ${describePolicies(policies)}.`);
  io.stdout('');
  for (const line of formatSummary(simulation.tally)) io.stdout(line);
  const otherLetters = result.deadLetters.length - invalid.length + simulation.redriven.length;
  if (otherLetters > 0) io.stdout(`Dead letters other than invalid events: ${otherLetters} (see --out)`);
  if (user) {
    io.stdout(`Timeline of ${user}:`);
    for (const line of timeline.length > 0 ? timeline : ['  (nothing happened to this customer)'])
      io.stdout(`  ${line}`);
  }
  if (values.out) {
    await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
    io.stdout(`Wrote ${values.out}`);
  }
  if (log) {
    const written = await log.flush().then(
      () => true,
      (error: unknown) => {
        io.stderr(`cairn simulate: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    );
    if (!written) return 1;
    io.stdout(`Wrote ${log.count.toLocaleString('en-US')} outcome record(s) under ${values.log}`);
  }
  return rejected > 0 ? 1 : 0;
}

/** The call stubs of `--calls`: problems at file:line:col, exit code 1. */
async function loadCallStubs(file: string, io: CliIo): Promise<CallStub[] | number> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  const { value, problems } = parseConfigFile(z.array(CallStub), file, text);
  for (const problem of problems) io.stderr(formatProblem(problem));
  return value ?? 1;
}
