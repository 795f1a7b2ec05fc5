import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OutcomeFiles } from '../../adapters/files/outcome-files.ts';
import { maskText } from '../../core/diagnostics/mask.ts';
import type { Journey } from '../../core/journeys/schema.ts';
import { VirtualClock } from '../../core/runtime/clock.ts';
import { deadLetterRecord, type RunResult, runResult } from '../../core/simulate/result.ts';
import { ConfigError } from '../../handlers/shared/compiled-config.ts';
import { type LocalClock, ScaledClock } from '../../local/clock.ts';
import { DataDirError } from '../../local/data-dir.ts';
import { LIVE_REPORT_PATH, LIVE_REPORT_REFRESH_SECONDS, liveReport } from '../../local/live-report.ts';
import { entriesFromNdjson, replayStart, runEventFile } from '../../local/replay.ts';
import { formatStackReport, servedLine } from '../../local/report.ts';
import { serveStack } from '../../local/serve.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog } from '../load-catalog.ts';
import { testJourneysCommand } from './test-journeys.ts';

export const startUsage = `Usage: cairn start [--journeys journeys/] [--events journeys/events/sample.ndjson] [--days-after 30]
                   [--env NAME] [--out result.json] [--log DIR] [--verbose] [--show-pii]
       cairn start --serve [--data DIR] [--port 4010] [--ses-port 8005] [--speed 1] [--journeys journeys/]
                   [--env NAME] [--log DIR] [--verbose] [--show-pii]

Runs the serverless runtime on this machine: the real ingest, deliver, timers and unsubscribe handlers,
against dynalite (DynamoDB API), aws-ses-v2-local (SES v2 API) and a local EventBridge PutEvents endpoint.
No AWS account and no network are needed.

Default: validates the journeys, runs their journey tests, then replays --events through PutEvents on an
accelerated clock (virtual time jumps from one due wait to the next), runs on --days-after days past the last
event so that waits and lifecycle stages come due, and prints a report: events in, enrollments, messages by
channel, outcomes by reason, dead letters.

--serve keeps the stack running until Ctrl-C for events you send yourself, on the wall clock (or --speed
times faster), and prints the endpoints: point @aws-sdk/client-eventbridge at the PutEvents endpoint, and
open the SES page to read the emails, and the live report (PORT/report: "cairn report"'s page of what the
stack did, refreshed every few seconds). SMS and push have no local provider API; they are printed instead.
It keeps up under any input rate: PutEvents waits while 200 events are queued, and sends and timers go on
while events arrive. Without --data its state is in memory and is lost when it stops; --data DIR keeps the
table (customer state, send ledger, timers, journey registry) and the queues in DIR, so that a restart with
the same DIR, even after a crash, loses nothing PutEvents acknowledged (docs/runtime.md).
--env NAME applies that environment of policies.yaml and lifecycle.yaml (docs/policies.md).
--out FILE writes messages, enrollments, dead letters and counters as JSON, in the shape "cairn simulate
--out" writes, so that the two can be compared (docs/runtime.md).
--log DIR writes the outcome log under DIR (dt=YYYY-MM-DD/local.ndjson for a replay; serve-<start>.ndjson,
written every few seconds, for --serve), the records "cairn simulate --log" writes and Lambda sends to
Firehose (docs/outcomes.md).
--verbose shows the handlers' own log lines (Powertools Logger), DEBUG ones included.
--show-pii shows personal data as it is, for local debugging: by default email addresses and phone numbers
are masked (m***@example.com, +44*******123) in what is printed and logged, and subjects, SMS bodies and
push titles, which templates fill with names, are shown only by their length. --out files are not masked.`;

const _DAY = 86_400_000;

function heading(io: CliIo, text: string): void {
  io.stdout(`\n== ${text} ==`);
}

function indent(io: CliIo): CliIo {
  return { ...io, stdout: (s) => io.stdout(s === '' ? '' : `  ${s}`) };
}

/** `npm start`: what a new user runs first. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      journeys: { type: 'string', default: 'journeys' },
      events: { type: 'string', default: 'journeys/events/sample.ndjson' },
      'days-after': { type: 'string', default: '30' },
      env: { type: 'string' },
      serve: { type: 'boolean', default: false },
      data: { type: 'string' },
      port: { type: 'string', default: '4010' },
      'ses-port': { type: 'string', default: '8005' },
      speed: { type: 'string', default: '1' },
      verbose: { type: 'boolean', default: false },
      'show-pii': { type: 'boolean', default: false },
      out: { type: 'string' },
      log: { type: 'string' },
    },
    strict: true,
  });
  const numbers = {
    daysAfter: Number(values['days-after']),
    port: Number(values.port),
    sesPort: Number(values['ses-port']),
    speed: Number(values.speed),
  };
  if (!Number.isInteger(numbers.daysAfter) || numbers.daysAfter < 0) {
    io.stderr('cairn start: --days-after must be a whole number of days, 0 or more');
    return 2;
  }
  if (![numbers.port, numbers.sesPort].every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    io.stderr('cairn start: --port and --ses-port must be TCP port numbers (1-65535)');
    return 2;
  }
  if (values.data !== undefined && !values.serve) {
    io.stderr('cairn start: --data DIR keeps the state of a served stack; use it with --serve');
    return 2;
  }
  if (!(numbers.speed > 0)) {
    io.stderr('cairn start: --speed must be a positive number (1 is the wall clock)');
    return 2;
  }

  heading(io, `1. Journeys in ${values.journeys}`);
  const catalog = await loadCatalog([values.journeys], io, 'start');
  if (!catalog) return 1;
  const journeys = [...catalog.latest()];
  const idWidth = Math.max(0, ...journeys.map(({ journey }) => journey.id.length));
  for (const { journey } of journeys)
    io.stdout(
      `  ${journey.id.padEnd(idWidth)} ${journey.status.padEnd(7)} ${journey.category.padEnd(13)} ${journey.steps.length} steps  ${journey.name}`,
    );
  io.stdout('  ("npx cairn validate" shows what each one does, step by step)');
  const testsFailed = (await testJourneysCommand(['--journeys', values.journeys], indent(io))) !== 0;

  const common = {
    journeysDir: values.journeys,
    ...(values.env === undefined ? {} : { environment: values.env }),
    logLevel: values.verbose ? ('DEBUG' as const) : ('SILENT' as const),
    pii: values['show-pii'] ? ('shown' as const) : ('masked' as const),
  };
  const shown = (free: string) => (common.pii === 'shown' ? free : maskText(free));
  if (values.serve)
    return serve(io, { ...common, ...(values.data === undefined ? {} : { dataDir: values.data }) }, numbers, {
      testsFailed,
      logDir: values.log,
      journeys: journeys.map(({ journey }) => journey),
    });

  const text = await readFile(values.events, 'utf8').catch((error: unknown) => {
    io.stderr(
      `cairn start: cannot read ${values.events} (${error instanceof Error ? error.message : String(error)}); pass --events with an NDJSON file of events (docs/events.md)`,
    );
    return undefined;
  });
  if (text === undefined) return 2;
  const { entries, skipped } = entriesFromNdjson(text);
  const clock = new VirtualClock(replayStart(entries));
  const log = values.log === undefined ? undefined : new OutcomeFiles({ dir: values.log, name: 'local' });
  const stack = await startStack(io, { ...common, clock, ...(log ? { outcomes: log } : {}) });
  if (!stack) return 1;
  let logFailed = false;
  try {
    heading(io, '2. Local stack');
    printEndpoints(io, stack);
    heading(io, `3. Replay of ${values.events} through PutEvents, on virtual time`);
    for (const { line, reason } of skipped) io.stderr(`${values.events}:${line}: skipped, ${shown(reason)}`);
    let lastProgress = Date.now();
    const { result, replayed } = await runEventFile(stack, clock, {
      entries,
      skipped,
      daysAfter: numbers.daysAfter,
      policies: await policiesOf(values.journeys, values.env),
      onProgress: (p) => {
        if (Date.now() - lastProgress < 2000 && p.put < p.of) return;
        lastProgress = Date.now();
        io.stdout(`  ${p.put}/${p.of} events put, virtual time ${new Date(p.at).toISOString()}`);
      },
    });
    for (const { line, reason } of replayed.refused)
      io.stderr(`${values.events}:${line}: PutEvents refused it: ${shown(reason)}`);
    io.stdout(`  ran on to ${result.until.slice(0, 10)} (${numbers.daysAfter} days after the last event)`);

    heading(io, 'Report');
    for (const line of formatStackReport(stack, result, { pii: common.pii })) io.stdout(`  ${line}`);
    if (values.out) {
      await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
      io.stdout(`  Wrote ${values.out}`);
    }
    if (log) {
      logFailed = await log.flush().then(
        () => false,
        (error: unknown) => {
          io.stderr(`cairn start: ${error instanceof Error ? error.message : String(error)}`);
          return true;
        },
      );
      if (!logFailed)
        io.stdout(`  Wrote ${log.count.toLocaleString('en-US')} outcome record(s) under ${values.log}`);
    }
    io.stdout('\nNext: "npm start -- --serve" keeps the stack up for your own events and shows the emails;');
    io.stdout(
      '"npx cairn simulate --help" runs a synthetic population through the journeys; docs/runtime.md.',
    );
  } finally {
    await stack.stop();
  }
  return testsFailed || logFailed || skipped.length > 0 || stack.deadLetters.length > 0 ? 1 : 0;
}

/** The policies file the stack applies, named as `cairn simulate` names it. */
async function policiesOf(journeys: string, environment: string | undefined): Promise<RunResult['policies']> {
  const file = join(journeys, 'policies.yaml');
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  return exists ? { file, environment: environment ?? null } : null;
}

type Common = Omit<Parameters<typeof startLocalStack>[0], 'clock'>;

async function startStack(
  io: CliIo,
  options: Parameters<typeof startLocalStack>[0],
): Promise<LocalStack | undefined> {
  try {
    return await startLocalStack(options);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirError)
      io.stderr(`cairn start: ${error.message}`);
    else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE')
      io.stderr(`cairn start: ${error.message}; pass --port or --ses-port with a free port`);
    else throw error;
    return undefined;
  }
}

/** Where a served stack keeps its state, and what stopping it loses. */
export function stateBanner(dataDir: string | undefined): string {
  return dataDir === undefined
    ? '  State                  in memory: stopping the stack loses customer state, timers and queued events (--data DIR keeps them)'
    : `  State                  kept in ${dataDir}: the table in ${join(dataDir, 'table')}, the queues in ${join(dataDir, '*-queue.jsonl')}; a restart with --data ${dataDir} loses nothing acknowledged`;
}

function printEndpoints(io: CliIo, stack: LocalStack): void {
  io.stdout(
    `  EventBridge PutEvents  ${stack.endpoint}   (new EventBridgeClient({ endpoint: '${stack.endpoint}', region: 'local' }))`,
  );
  io.stdout(`  SES v2 + email viewer  ${stack.ses.url}   (open it in a browser while the stack runs)`);
  io.stdout(`  DynamoDB (dynalite)    ${stack.dynamo.endpoint}   table ${stack.tableName}`);
  io.stdout(`  Unsubscribe links      ${stack.endpoint}/unsubscribe`);
}

async function serve(
  io: CliIo,
  common: Common,
  numbers: { port: number; sesPort: number; speed: number },
  run: { testsFailed: boolean; logDir: string | undefined; journeys: readonly Journey[] },
): Promise<number> {
  const { testsFailed, logDir } = run;
  const clock: LocalClock = new ScaledClock(numbers.speed);
  const pii = common.pii ?? 'masked';
  const text = (free: string) => (pii === 'shown' ? free : maskText(free));
  const outcomes = await servedLog(io, logDir, run.journeys);
  const stack = await startStack(io, {
    ...common,
    clock,
    port: numbers.port,
    sesPort: numbers.sesPort,
    serving: true,
    outcomes: outcomes.log,
    pages: { [LIVE_REPORT_PATH]: outcomes.page },
  });
  if (!stack) {
    await outcomes.close();
    return 1;
  }
  heading(
    io,
    `2. Local stack, serving${numbers.speed === 1 ? '' : ` at ${numbers.speed}x speed`} until Ctrl-C`,
  );
  printEndpoints(io, stack);
  io.stdout(
    `  Live report            ${stack.endpoint}${LIVE_REPORT_PATH}   (the outcome report, refreshed every ${LIVE_REPORT_REFRESH_SECONDS} s)`,
  );
  io.stdout(stateBanner(common.dataDir));
  io.stdout('\n  Send an event (any AWS SDK or the AWS CLI works the same way):');
  io.stdout(
    `  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws events put-events --endpoint-url ${stack.endpoint} --region local \\`,
  );
  io.stdout(
    `    --entries '[{"Source":"com.example.shop","DetailType":"Signed Up","Detail":"{\\"userId\\":\\"usr_42\\",\\"traits\\":{\\"email\\":\\"you@example.com\\"}}"}]'`,
  );
  io.stdout(
    '\n  Pause or resume a journey, as on AWS (the handlers honour it within a minute of the clock):',
  );
  io.stdout(
    `  AWS_ENDPOINT_URL_DYNAMODB=${stack.dynamo.endpoint} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\`,
  );
  io.stdout(
    `    npx cairn journeys pause welcome-series --env local --table ${stack.tableName} --region local`,
  );
  const serving = serveStack(
    stack,
    clock,
    (m) => io.stdout(`  ${servedLine(m, pii)}`),
    (error) => io.stderr(`cairn start: ${text(error instanceof Error ? error.message : String(error))}`),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await serving.stop();
  const logFailed = !(await outcomes.close());
  heading(io, 'Report');
  stack.results.finalize();
  const result = runResult({
    until: clock.now(),
    eventsIn: stack.eventsPut,
    skipped: [],
    policies: null,
    tally: stack.results,
    deadLetters: stack.deadLetters.map((letter) => deadLetterRecord(letter, new Map())),
  });
  for (const line of formatStackReport(stack, result, { pii })) io.stdout(`  ${line}`);
  if (logDir !== undefined && !logFailed)
    io.stdout(`  Wrote ${outcomes.log.count.toLocaleString('en-US')} outcome record(s) under ${logDir}`);
  await stack.stop();
  return testsFailed || logFailed ? 1 : 0;
}

/**
 * The served stack's outcome log, written every few seconds, and its live report (local/live-report.ts), which
 * reads the log as "cairn report --log" does: `--log DIR`, or without it a folder of its own that `close`
 * removes. `close` stops the timer, writes once more and tells whether every write went.
 */
async function servedLog(io: CliIo, logDir: string | undefined, journeys: readonly Journey[]) {
  const dir = logDir ?? (await mkdtemp(join(tmpdir(), 'cairn-serve-log-')));
  // A file of its own per start: a restart on the same --data goes on with the same customers, and must not
  // replace the records of the run before it.
  const log = new OutcomeFiles({ dir, name: `serve-${Date.now()}` });
  const flushed = flushEvery(log, SERVE_FLUSH_MS, (error) => io.stderr(`cairn start: ${error}`));
  const page = liveReport({
    dir,
    flush: flushed.flush,
    records: () => log.count,
    journeys,
    location: logDir ?? 'the served local stack',
  });
  return {
    log,
    page,
    async close(): Promise<boolean> {
      const written = await flushed.stop();
      if (logDir === undefined) await rm(dir, { recursive: true, force: true });
      return written;
    },
  };
}

/** How often a served stack writes the outcome records it has, so the folder can be queried while it runs. */
const SERVE_FLUSH_MS = 5_000;

/**
 * Flushes `log` every `everyMs` of wall time until stopped; `stop` flushes once more and tells whether every
 * flush wrote. A failure is reported once, when it first happens.
 */
function flushEvery(log: OutcomeFiles, everyMs: number, report: (message: string) => void) {
  let failed = false;
  const flush = () =>
    log.flush().then(
      () => true,
      (error: unknown) => {
        if (!failed) report(error instanceof Error ? error.message : String(error));
        failed = true;
        return false;
      },
    );
  const timer = setInterval(() => void flush(), everyMs);
  return {
    /** Writes what is queued now; a failure is reported as the timer's are. */
    async flush(): Promise<void> {
      await flush();
    },
    async stop(): Promise<boolean> {
      clearInterval(timer);
      return (await flush()) && !failed;
    },
  };
}
