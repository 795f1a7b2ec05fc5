import { parseArgs } from 'node:util';
import { didYouMean } from '../../core/diagnostics/problem.ts';
import type { JourneyCatalog } from '../../core/engine/catalog.ts';
import type { CustomerState } from '../../core/engine/state.ts';
import { Population } from '../../core/lifecycle/population.ts';
import { batchMembers, type MemberRow, memberRow } from '../../core/segments/batch.ts';
import { SCAN_SEGMENTS } from '../../core/segments/scan.ts';
import { forEachEvent } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog, loadLifecycle } from '../load-catalog.ts';
import { type AwsSegmentOptions, segmentsOnAws } from './segments-aws.ts';
import { statesOfTable } from './segments-table.ts';

export const segmentsUsage = `Usage: cairn segments estimate ID --events FILE [--as-of ISO-time] [--journeys journeys/] [--env NAME]
       cairn segments export ID --events FILE [--as-of ISO-time] [--format csv|jsonl] [--journeys journeys/]
       cairn segments estimate|export ID --env ENV [--as-of ISO-time] [--total-segments N] [--region R] [--state-machine ARN]
       cairn segments estimate|export ID --table NAME [--as-of ISO-time] [--region R]

Evaluates the segment ID of journeys/segments/ over the customers of an event file as of a time, with the
one evaluator the running system uses after every event (docs/audiences.md). Without --events, over the
customer states of the environment's table in AWS: a Step Functions Distributed Map scans the table in
parallel, one worker per Segment of the Scan, and writes the members to S3; this starts the run and follows it.
  estimate   print how many customers are in the segment, of how many
  export     print the members: userId, email, phone, stage and every segment they are in
  --events   NDJSON customer events, e.g. from "cairn import cdnow FILE"
  --as-of    the time of the evaluation; later events are ignored (default: the last event; on AWS, now)
  --format   export only: csv (default) or jsonl
  --journeys the folder holding the journeys, segments/ and lifecycle.yaml (default journeys/)
  --env      with --events: use that environment's fitted model from lifecycle.yaml;
             without: evaluate the table of the deployed environment (cairn-ENV)
  --table    the customer states of the table NAME, scanned from this machine: the local stack's (with
             AWS_ENDPOINT_URL_DYNAMODB, as npm start -- --serve prints it) or a small one (default as-of: now)
  --total-segments  AWS: the Scan's TotalSegments (default: one per 100,000 items of the table, at most 1,000)
  --region, --state-machine  AWS: where the run is (default: the SDK's region, cairn-ENV-segment-scan)`;

const NAME = 'cairn segments';
const ACTIONS = ['estimate', 'export'] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (a: string | undefined): a is Action => ACTIONS.some((known) => known === a);
const FORMATS = ['csv', 'jsonl'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (f: string): f is Format => FORMATS.some((known) => known === f);

export async function segmentsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      events: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string', default: 'csv' },
      journeys: { type: 'string', default: 'journeys' },
      env: { type: 'string' },
      'total-segments': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      'state-machine': { type: 'string' },
    },
    strict: true,
  });
  const fail = (message: string) => {
    io.stderr(`${NAME}: ${message}\n\n${segmentsUsage}`);
    return 2;
  };
  const [action, id, ...extra] = positionals;
  if (!isAction(action))
    return fail(`expected estimate or export, got ${action ? `"${action}"` : 'nothing'}`);
  if (!id) return fail(`${action} needs a segment id, e.g. "cairn segments ${action} frequent-buyers"`);
  if (extra.length > 0) return fail(`unexpected argument "${extra[0]}"`);
  if (!values.events && !values.env && !values.table)
    return fail(
      '--events FILE is required, or --env ENV to evaluate the deployed table, e.g. --events cdnow.ndjson',
    );
  if (values.events && values.table) return fail('--events and --table are two sources: give one');
  const totalSegments = parseTotalSegments(values['total-segments']);
  if (typeof totalSegments === 'string') return fail(totalSegments);
  const local = values.events ?? values.table;
  if (local && (totalSegments !== undefined || values['state-machine']))
    return fail('--total-segments and --state-machine go with --env, without --events or --table');
  if (values.events && values.region) return fail('--region goes with --env or --table');
  if (!isFormat(values.format))
    return fail(`--format "${values.format}" is not one of ${FORMATS.join(', ')}`);
  if (action === 'estimate' && values.format !== 'csv') return fail('--format only goes with export');
  const at = values['as-of'] === undefined ? undefined : Date.parse(values['as-of']);
  if (at !== undefined && Number.isNaN(at))
    return fail(`--as-of "${values['as-of']}" is not an ISO-8601 time such as 1998-06-30T23:59:59Z`);

  const catalog = await loadCatalog([values.journeys], io, 'segments');
  if (!catalog) return 1;
  const known = catalog.segmentDefinitions.map((s) => s.id);
  if (!known.includes(id)) {
    io.stderr(
      `${NAME}: unknown segment "${id}"${didYouMean(id, known)}; the segments in ${values.journeys}/segments are: ${known.join(', ') || '(none)'}`,
    );
    return 2;
  }
  if (!local) {
    const options = {
      action,
      segment: id,
      env: values.env ?? '',
      at: at ?? Date.now(),
      region: values.region,
      stateMachine: values['state-machine'],
      totalSegments,
    };
    return onAws(options, values.format, io);
  }
  const source: StateSource = values.table
    ? { kind: 'table', table: values.table, region: values.region }
    : { kind: 'events', file: local };
  const run = { source, journeys: values.journeys, env: values.env, at, id, action };
  return onLocalStates(run, catalog, values.format, io);
}

/** Where the local evaluation takes its customer states from. */
type StateSource =
  | { kind: 'events'; file: string }
  | { kind: 'table'; table: string; region: string | undefined };

type LocalRun = {
  source: StateSource;
  journeys: string;
  env: string | undefined;
  at: number | undefined;
  id: string;
  action: Action;
};

/**
 * The evaluation on this machine: over an event file (the events folded into states by the engine), or over
 * the states of a table; then the one evaluator.
 */
async function onLocalStates(
  { source, journeys, env, at, id, action }: LocalRun,
  catalog: JourneyCatalog,
  format: Format,
  io: CliIo,
): Promise<number> {
  const lifecycle = await loadLifecycle(journeys, io, 'segments', env);
  if (lifecycle === undefined) return 1;

  if (source.kind === 'table') {
    let states: CustomerState[];
    try {
      states = await statesOfTable(source.table, source.region);
    } catch (error) {
      io.stderr(
        `${NAME}: cannot scan ${source.table}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 1;
    }
    const when = at ?? Date.now();
    const members = batchMembers(states, catalog.segments, id, when, lifecycle ?? undefined);
    print(action, members.map(memberRow), summaryLine(id, members.length, states.length, when), format, io);
    return 0;
  }
  const file = source.file;
  const population = new Population(lifecycle ?? undefined, 'UTC', catalog);
  let ignored = 0;
  let lastEventAt = Number.NEGATIVE_INFINITY;
  let read: { rejected: number };
  try {
    read = await forEachEvent(file, io, (event) => {
      const time = Date.parse(event.time);
      if (at !== undefined && time > at) {
        ignored++;
        return;
      }
      lastEventAt = Math.max(lastEventAt, time);
      population.add(event);
    });
  } catch (error) {
    io.stderr(`${NAME}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const when = at ?? (Number.isFinite(lastEventAt) ? lastEventAt : Date.now());
  const members = batchMembers(population.customers(), catalog.segments, id, when, lifecycle ?? undefined);
  const summary =
    summaryLine(id, members.length, population.size, when) +
    (ignored > 0 ? ` (${ignored.toLocaleString('en-US')} later event(s) ignored)` : '') +
    (read.rejected > 0 ? ` (${read.rejected} rejected)` : '');
  print(action, members.map(memberRow), summary, format, io);
  return read.rejected > 0 ? 1 : 0;
}

/** estimate: the summary line; export: the members, and the summary on stderr. */
function print(action: Action, rows: readonly MemberRow[], summary: string, format: Format, io: CliIo): void {
  if (action === 'estimate') io.stdout(summary);
  else {
    printMembers(rows, format, io);
    io.stderr(summary);
  }
}

/** The run on AWS, printed as the local evaluation prints its own. */
async function onAws(options: AwsSegmentOptions, format: Format, io: CliIo): Promise<number> {
  const outcome = await segmentsOnAws(options, io);
  if (!outcome.ok) return outcome.code;
  const summary = summaryLine(options.segment, outcome.members, outcome.customers, options.at);
  print(options.action, outcome.rows, summary, format, io);
  return 0;
}

function summaryLine(id: string, members: number, total: number, when: number): string {
  const share = total > 0 ? ((100 * members) / total).toFixed(1) : '0.0';
  return `${id}: ${members.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} customer(s) (${share}%) as of ${new Date(when).toISOString()}`;
}

function parseTotalSegments(text: string | undefined): number | undefined | string {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= SCAN_SEGMENTS.max
    ? n
    : `--total-segments "${text}" is not a whole number from 1 to ${SCAN_SEGMENTS.max}`;
}

function printMembers(rows: readonly MemberRow[], format: Format, io: CliIo): void {
  if (format === 'jsonl') {
    for (const row of rows) io.stdout(JSON.stringify(row));
    return;
  }
  io.stdout('userId,email,phone,stage,segments');
  for (const row of rows)
    io.stdout([row.userId, row.email, row.phone, row.stage, row.segments.join(' ')].map(csvCell).join(','));
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
