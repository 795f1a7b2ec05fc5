import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mergeRuns } from '../../adapters/files/sorted-runs.ts';
import { maskText } from '../../core/diagnostics/mask.ts';
import type { MergedParts } from '../../core/simulate/part.ts';
import { EnrollmentRecord, MessageRecord } from '../../core/simulate/records.ts';
import { formatSummary } from '../../core/simulate/report.ts';
import { compareEnrollments, compareMessages, type RunResult } from '../../core/simulate/result.ts';
import { runResultJson } from '../../core/simulate/result-json.ts';
import { declaredOf } from '../../core/simulate/tally.ts';
import type { CliIo } from '../io.ts';
import type { LoadedPolicies } from '../load-policies.ts';
import { describePolicies, policiesOptions, policiesUsage } from '../load-policies.ts';
import { loadCallStubs } from '../simulate/call-stubs.ts';
import type { WorkerSetup } from '../simulate/protocol.ts';
import { runShares, startWorkers } from '../simulate/run-shares.ts';
import { type SharePass, type Simulated, simulateShares } from '../simulate/subset-rerun.ts';
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
              here ${availableParallelism()}, for a file of 10 MB or more; one below); the result is the same whatever N. Where a journey's send-rate
              limit binds (all its customers share it), the customers it couples are simulated again together
  --calls     a YAML or JSON list of call stubs that answer call steps, as in journey tests; without it
              every call fails ("no stub answers ...")
${policiesUsage}`;

const PROGRESS_EVERY = 250_000;
const MAX_REPORTED_PROBLEMS = 20;
/** From this size on (about 17,000 events), an event file is split across the cores by default. */
const SPLIT_FROM_BYTES = 10_000_000;
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
  const { events } = values;
  if (!events) {
    io.stderr(`cairn simulate: --events is required\n\n${simulateUsage}`);
    return 2;
  }
  const setup = await loadSimulationSetup(values, io, 'simulate');
  if (typeof setup === 'number') return setup;
  const stubs = values.calls ? await loadCallStubs(values.calls, io) : undefined;
  if (typeof stubs === 'number') return stubs;
  const workers = await workersOf(values.workers, events, io);
  if (workers === undefined) return 2;
  // A problem may quote its line (a parse error does), and with it an address.
  const quoted = (text: string) => (values['show-pii'] ? text : maskText(text));
  const dir = await mkdtemp(join(tmpdir(), 'cairn-simulate-'));
  const pool = workers > 1 ? await startWorkers(workerSetupOf(values), workers) : undefined;
  try {
    let shown = 0;
    const run = (pass: SharePass) =>
      runShares({
        events,
        shares: pass.shares,
        pool,
        ...(pass.placeOn ? { placeOn: pass.placeOn } : {}),
        ...(pass.index ? { index: pass.index } : {}),
        share: { log: pass.log !== undefined, dir: pass.dir, waits: pass.waits, records: true },
        ...(pass.route ? { route: pass.route } : {}),
        ...(pass.setupOf ? { setupOf: pass.setupOf } : {}),
        user: values.user,
        config: setup.config,
        calls: stubs,
        until: setup.until,
        daysAfter: 30,
        log: pass.log,
        onSkipped: (line, reason) => {
          if (!pass.again && ++shown <= MAX_REPORTED_PROBLEMS)
            io.stderr(`${events}:${line}: ${quoted(reason)}`);
        },
        onProgress: {
          every: PROGRESS_EVERY,
          tell: (count, now) => {
            if (!pass.again)
              io.stderr(
                `... ${count.toLocaleString('en-US')} events, virtual time ${new Date(now).toISOString()}`,
              );
          },
        },
      });
    const ran = await simulateOrSay(events, io, () =>
      simulateShares({
        workers,
        dir,
        logDir: values.log,
        user: values.user,
        catalog: setup.config.catalog,
        declared: declaredOf(setup.config.catalog),
        run,
        tell: (text) => io.stderr(`cairn simulate: ${text}`),
      }),
    );
    if (typeof ran === 'number') return ran;
    const { merged } = ran;
    const rejected = report(
      merged,
      ran.skipped,
      { events, user: values.user, policies: setup.policies, quoted },
      io,
    );
    if (values.out) {
      await writeResult(values.out, merged, ran.skipped, setup.policies);
      io.stdout(`Wrote ${values.out}`);
    }
    if (ran.log && !(await flushLog(ran.log, values.log ?? '', io))) return 1;
    return rejected > 0 ? 1 : 0;
  } finally {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What each worker thread loads: what the command loaded, from the same options. */
function workerSetupOf(values: {
  journeys: string;
  timezone: string;
  policies?: string | undefined;
  env?: string | undefined;
  calls?: string | undefined;
  user?: string | undefined;
}): WorkerSetup {
  return {
    journeys: values.journeys,
    timezone: values.timezone,
    ...(values.policies === undefined ? {} : { policies: values.policies }),
    ...(values.env === undefined ? {} : { env: values.env }),
    ...(values.calls === undefined ? {} : { calls: values.calls }),
    ...(values.user === undefined ? {} : { user: values.user }),
  };
}

/** The simulation, or the exit code after saying that the file cannot be read. */
async function simulateOrSay(
  events: string,
  io: CliIo,
  simulate: () => Promise<Simulated>,
): Promise<Simulated | number> {
  try {
    return await simulate();
  } catch (error) {
    io.stderr(
      `cairn simulate: cannot read ${events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
}

type ReportOptions = {
  events: string;
  user: string | undefined;
  policies: LoadedPolicies | null;
  quoted: (text: string) => string;
};

/** Prints the problems, the totals, the per-journey summary and the timeline; returns how many lines were rejected. */
function report(
  merged: MergedParts,
  skipped: RunResult['skipped'],
  options: ReportOptions,
  io: CliIo,
): number {
  const { events, user, quoted } = options;
  if (skipped.length > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${skipped.length - MAX_REPORTED_PROBLEMS} more line(s) that are not events`);
  const invalid = merged.deadLetters.filter((d) => d.kind === 'invalid-event');
  for (const letter of invalid.slice(0, MAX_REPORTED_PROBLEMS))
    io.stderr(`${events}:${letter.line ?? '?'}: event ${letter.id ?? '(no id)'}: ${quoted(letter.reason)}`);
  if (invalid.length > MAX_REPORTED_PROBLEMS)
    io.stderr(`... and ${invalid.length - MAX_REPORTED_PROBLEMS} more invalid event(s)`);
  const rejected = skipped.length + invalid.length;
  const count = (n: number) => n.toLocaleString('en-US');
  io.stdout(
    `Simulated ${count(merged.eventsIn)} event(s) (${rejected} rejected, ${merged.lateEvents} out of order) ` +
      `until ${new Date(merged.until).toISOString()}: ${count(merged.enrollments.count)} enrollment(s), ` +
      `${count(merged.messages.sent)} message(s) sent, ${merged.pendingTimers} wait(s) still pending.`,
  );
  io.stdout(`Applied ${describePolicies(options.policies)}.`);
  io.stdout('');
  for (const line of formatSummary(merged.summary)) io.stdout(line);
  const otherLetters = merged.deadLetters.length - invalid.length + merged.redriven;
  if (otherLetters > 0) io.stdout(`Dead letters other than invalid events: ${otherLetters} (see --out)`);
  if (user) {
    io.stdout(`Timeline of ${user}:`);
    const timeline = merged.timeline.length > 0 ? merged.timeline : ['  (nothing happened to this customer)'];
    for (const line of timeline) io.stdout(`  ${line}`);
  }
  return rejected;
}

/** Writes the result as it is read back from the shares' sorted runs, never all of it in memory at once. */
async function writeResult(
  file: string,
  merged: MergedParts,
  skipped: RunResult['skipped'],
  policies: LoadedPolicies | null,
): Promise<void> {
  const { leftOut } = merged;
  const keep = (record: { userId: string }, from: string) =>
    !(leftOut?.files.has(from) && leftOut.customers.has(record.userId));
  const out = createWriteStream(file);
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  const text = runResultJson({
    until: new Date(merged.until).toISOString(),
    eventsIn: merged.eventsIn,
    skipped,
    policies: policies ? { file: policies.file, environment: policies.environment ?? null } : null,
    messages: mergeRuns(merged.messages.files, MessageRecord, compareMessages, keep),
    enrollments: mergeRuns(merged.enrollments.files, EnrollmentRecord, compareEnrollments, keep),
    deadLetters: merged.deadLetters,
    journeys: merged.summary.journeys,
  });
  for await (const piece of text) if (!out.write(piece)) await Promise.race([once(out, 'drain'), failed]);
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

/** Stores what the outcome log holds; false after saying why it could not. */
async function flushLog(log: NonNullable<Simulated['log']>, dir: string, io: CliIo): Promise<boolean> {
  try {
    await log.flush();
  } catch (error) {
    io.stderr(`cairn simulate: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  io.stdout(`Wrote ${log.count.toLocaleString('en-US')} outcome record(s) under ${dir}`);
  return true;
}

/**
 * How many shares `--workers` asks for, or undefined after saying why it cannot. By default one per core for a
 * file of SPLIT_FROM_BYTES or more; one below that, where starting the workers (each loads the runtime, about a
 * second of CPU) costs more than it saves.
 */
async function workersOf(
  requested: string | undefined,
  events: string,
  io: CliIo,
): Promise<number | undefined> {
  if (requested === undefined) {
    const bytes = await stat(events).then(
      (file) => file.size,
      () => 0,
    );
    return bytes >= SPLIT_FROM_BYTES ? availableParallelism() : 1;
  }
  const count = Number(requested);
  if (Number.isInteger(count) && count >= 1 && count <= MAX_WORKERS) return count;
  io.stderr(`cairn simulate: --workers "${requested}" is not a whole number from 1 to ${MAX_WORKERS}`);
  return undefined;
}
