import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { OutcomeFiles } from '../../adapters/files/outcome-files.ts';
import { maskText } from '../../core/diagnostics/mask.ts';
import { boundLimit, mergeParts } from '../../core/simulate/part.ts';
import { formatSummary } from '../../core/simulate/report.ts';
import type { RunResult } from '../../core/simulate/result.ts';
import { declaredOf } from '../../core/simulate/tally.ts';
import type { CliIo } from '../io.ts';
import { describePolicies, policiesOptions, policiesUsage } from '../load-policies.ts';
import { loadCallStubs } from '../simulate/call-stubs.ts';
import { runShares } from '../simulate/run-shares.ts';
import { loadSimulationSetup } from '../simulation-setup.ts';

export const simulateUsage = `Usage: cairn simulate --events events.ndjson [--journeys journeys/] [--until ISO-time]
                      [--out result.json] [--user ID] [--timezone UTC] [--calls FILE] [--policies FILE] [--env NAME]
                      [--log DIR] [--show-pii] [--workers N]

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
  --workers   simulate on N worker threads, each with its share of the customers (default: one per core,
              here ${availableParallelism()}); the result is the same whatever N. Where a journey's send-rate
              limit binds (all its customers share it), the run is done again on one worker
  --calls     a YAML or JSON list of call stubs that answer call steps, as in journey tests; without it
              every call fails ("no stub answers ...")
${policiesUsage}`;

const PROGRESS_EVERY = 250_000;
const MAX_REPORTED_PROBLEMS = 20;
/** More workers than this is a typo, not a machine. */
const MAX_WORKERS = 256;

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
      workers: { type: 'string' },
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

  const workers = workersOf(values.workers, io);
  if (workers === undefined) return 2;
  let shown = 0;
  const run = (count: number, log: OutcomeFiles | undefined) =>
    runShares({
      events: values.events ?? '',
      workers: count,
      setup: {
        journeys: values.journeys,
        timezone: values.timezone,
        ...(values.policies === undefined ? {} : { policies: values.policies }),
        ...(values.env === undefined ? {} : { env: values.env }),
        ...(values.calls === undefined ? {} : { calls: values.calls }),
        ...(values.user === undefined ? {} : { user: values.user }),
        log: log !== undefined,
      },
      config,
      calls: stubs,
      until,
      daysAfter: 30,
      log,
      onSkipped: (line, reason) => {
        if (++shown <= MAX_REPORTED_PROBLEMS) io.stderr(`${values.events}:${line}: ${quoted(reason)}`);
      },
      onProgress: {
        every: PROGRESS_EVERY,
        tell: (events, now) =>
          io.stderr(
            `... ${events.toLocaleString('en-US')} events, virtual time ${new Date(now).toISOString()}`,
          ),
      },
    });
  const logTo = () =>
    values.log === undefined ? undefined : new OutcomeFiles({ dir: values.log, name: 'simulate' });
  let log = logTo();
  let ran: Awaited<ReturnType<typeof runShares>>;
  try {
    ran = await run(workers, log);
    const bound = workers > 1 ? boundLimit(ran.parts) : undefined;
    if (bound !== undefined) {
      io.stderr(
        `cairn simulate: the send-rate limit of ${bound} bound (more of its sends in one second than it allows, all customers together); simulating again on one worker, which orders them as one queue does`,
      );
      await log?.flush().catch(() => {});
      log = logTo();
      shown = MAX_REPORTED_PROBLEMS;
      ran = await run(1, log);
    }
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const merged = mergeParts(ran.parts, config.catalog, declaredOf(config.catalog));
  const { skipped } = ran;
  const result: RunResult = {
    until: new Date(merged.until).toISOString(),
    eventsIn: merged.eventsIn,
    skipped,
    policies: policies ? { file: policies.file, environment: policies.environment ?? null } : null,
    messages: merged.messages,
    enrollments: merged.enrollments,
    deadLetters: merged.deadLetters,
    journeys: merged.summary.journeys,
  };
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
    `Simulated ${merged.eventsIn.toLocaleString('en-US')} event(s) (${rejected} rejected, ${merged.lateEvents} out of order) ` +
      `until ${result.until}: ${result.enrollments.length.toLocaleString('en-US')} enrollment(s), ` +
      `${sent.toLocaleString('en-US')} message(s) sent, ${merged.pendingTimers} wait(s) still pending.`,
  );
  io.stdout(`Applied ${describePolicies(policies)}.`);
  io.stdout('');
  for (const line of formatSummary(merged.summary)) io.stdout(line);
  const otherLetters = result.deadLetters.length - invalid.length + merged.redriven;
  if (otherLetters > 0) io.stdout(`Dead letters other than invalid events: ${otherLetters} (see --out)`);
  const { user } = values;
  if (user) {
    io.stdout(`Timeline of ${user}:`);
    for (const line of merged.timeline.length > 0
      ? merged.timeline
      : ['  (nothing happened to this customer)'])
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

/** How many shares `--workers` asks for (default: one per core), or undefined after saying why it cannot. */
function workersOf(requested: string | undefined, io: CliIo): number | undefined {
  const count = requested === undefined ? availableParallelism() : Number(requested);
  if (Number.isInteger(count) && count >= 1 && count <= MAX_WORKERS) return count;
  io.stderr(`cairn simulate: --workers "${requested}" is not a whole number from 1 to ${MAX_WORKERS}`);
  return undefined;
}
