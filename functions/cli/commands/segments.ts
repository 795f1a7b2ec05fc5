import { parseArgs } from 'node:util';
import { didYouMean } from '../../core/diagnostics/problem.ts';
import { Population } from '../../core/lifecycle/population.ts';
import { type BatchMember, batchMembers, memberRow } from '../../core/segments/batch.ts';
import { forEachEvent } from '../event-stream.ts';
import type { CliIo } from '../io.ts';
import { loadCatalog, loadLifecycle } from '../load-catalog.ts';

export const segmentsUsage = `Usage: cairn segments estimate ID --events FILE [--as-of ISO-time] [--journeys journeys/] [--env NAME]
       cairn segments export ID --events FILE [--as-of ISO-time] [--format csv|jsonl] [--journeys journeys/]

Evaluates the segment ID of journeys/segments/ over the customers of an event file as of a time, with the
one evaluator the running system uses after every event (docs/audiences.md).
  estimate   print how many customers are in the segment, of how many
  export     print the members: userId, email, phone, stage and every segment they are in
  --events   NDJSON customer events (required), e.g. from "cairn import cdnow FILE"
  --as-of    the time of the evaluation; later events are ignored (default: the last event)
  --format   export only: csv (default) or jsonl
  --journeys the folder holding the journeys, segments/ and lifecycle.yaml (default journeys/)
  --env      use that environment's fitted model from lifecycle.yaml`;

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
  if (!values.events) return fail('--events is required, e.g. --events cdnow.ndjson');
  if (!isFormat(values.format))
    return fail(`--format "${values.format}" is not one of ${FORMATS.join(', ')}`);
  if (action === 'estimate' && values.format !== 'csv') return fail('--format only goes with export');
  const at = values['as-of'] === undefined ? undefined : Date.parse(values['as-of']);
  if (at !== undefined && Number.isNaN(at))
    return fail(`--as-of "${values['as-of']}" is not an ISO-8601 time such as 1998-06-30T23:59:59Z`);

  const catalog = await loadCatalog([values.journeys], io, 'segments');
  const lifecycle = await loadLifecycle(values.journeys, io, 'segments', values.env);
  if (!catalog || lifecycle === undefined) return 1;
  const known = catalog.segmentDefinitions.map((s) => s.id);
  if (!known.includes(id)) {
    io.stderr(
      `${NAME}: unknown segment "${id}"${didYouMean(id, known)}; the segments in ${values.journeys}/segments are: ${known.join(', ') || '(none)'}`,
    );
    return 2;
  }

  const population = new Population(lifecycle ?? undefined, 'UTC', catalog);
  let ignored = 0;
  let lastEventAt = Number.NEGATIVE_INFINITY;
  let read: { rejected: number };
  try {
    read = await forEachEvent(values.events, io, (event) => {
      const time = Date.parse(event.time);
      if (at !== undefined && time > at) {
        ignored++;
        return;
      }
      lastEventAt = Math.max(lastEventAt, time);
      population.add(event);
    });
  } catch (error) {
    io.stderr(
      `${NAME}: cannot read ${values.events}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  const when = at ?? (Number.isFinite(lastEventAt) ? lastEventAt : Date.now());
  const members = batchMembers(population.customers(), catalog.segments, id, when, lifecycle ?? undefined);
  const total = population.size;
  const share = total > 0 ? ((100 * members.length) / total).toFixed(1) : '0.0';
  const summary =
    `${id}: ${members.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} customer(s) (${share}%) as of ${new Date(when).toISOString()}` +
    (ignored > 0 ? ` (${ignored.toLocaleString('en-US')} later event(s) ignored)` : '') +
    (read.rejected > 0 ? ` (${read.rejected} rejected)` : '');
  if (action === 'estimate') io.stdout(summary);
  else {
    printMembers(members, values.format, io);
    io.stderr(summary);
  }
  return read.rejected > 0 ? 1 : 0;
}

function printMembers(members: readonly BatchMember[], format: Format, io: CliIo): void {
  const rows = members.map(memberRow);
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
