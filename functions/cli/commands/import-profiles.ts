import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { parseConfigFile } from '../../core/diagnostics/config-file.ts';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import { busTime } from '../../core/events/event-line.ts';
import {
  ColumnMap,
  csvRows,
  formatProfileImportSummary,
  importProfileRows,
  jsonLinesRows,
  ProfileFormat,
  type ProfileImportOptions,
  type ResolvedMap,
  resolveColumnMap,
} from '../../core/import/profiles/index.ts';
import type { CliIo } from '../io.ts';
import { importProfilesOnAws } from './import-profiles-aws.ts';
import { ProgressBar } from './progress.ts';

export const importProfilesUsage = `Usage: cairn import profiles FILE [--format csv|jsonl|pinpoint] [--map map.yaml] [--list NAME] [--at TIME] > events.ndjson
       cairn import profiles s3://BUCKET/imports/KEY --env ENV [--format F] [--list NAME] [--map map.yaml] [--region R]

Turns a file of customer profiles into Profile Imported events (NDJSON on stdout), one per row, for
cairn simulate and npm start: ingest merges them into profiles as it does any event (addresses, consent,
push devices, suppressions), and drops a row it has already applied, so importing a file again changes
nothing. Formats (docs/audiences.md has every field):
  csv        a header row, then one row per customer; --map names columns that differ from the defaults
             (userId/user_id/customer_id/id, email, phone, timezone, locale, email_opt_in, sms_opt_in,
             push_opt_in, updated_at); every other column becomes a trait
  jsonl      one {"userId", "email", "phone", "timezone", "locale", "consent", "device", "attributes", "time"}
             per line
  pinpoint   an Amazon Pinpoint endpoint export (CreateExportJob), plain or .gz: endpoints of one
             User.UserId merge into one profile; OptOut ALL is an opt-out of that channel
Default format: csv for .csv, pinpoint for .gz or when the first line has ChannelType, else jsonl.
  --list NAME   also add every imported customer to the static list NAME (profile field lists)
  --at TIME     the time of rows that do not say theirs (ISO-8601); default: now
With s3:// and --env, starts the environment's import state machine on the object (in its import bucket) and
follows it until it ends. A bad row is reported with its line and field and skipped; the summary on stderr
counts rows imported, merged into a profile of an earlier row, and skipped by reason.
Exit status: 0 imported (skips included), 1 the file or map is not usable or the AWS import failed, 2 bad usage.`;

const NAME = 'cairn import profiles';

function usageError(io: CliIo, message: string): number {
  io.stderr(`${NAME}: ${message}\n\n${importProfilesUsage}`);
  return 2;
}

const FLAGS = {
  format: { type: 'string' },
  map: { type: 'string' },
  list: { type: 'string' },
  at: { type: 'string' },
  env: { type: 'string' },
  region: { type: 'string' },
  'state-machine': { type: 'string' },
} as const;

/** The format a file is in: as told, else by its name, else by its first line. */
async function formatOf(file: string, told: string | undefined): Promise<ProfileFormat | string> {
  if (told !== undefined) return ProfileFormat.safeParse(told).success ? told : `unknown format "${told}"`;
  if (file.endsWith('.csv')) return 'csv';
  if (file.endsWith('.gz')) return 'pinpoint';
  if (file.startsWith('s3://')) return 'jsonl';
  const head = await readFirstLine(file);
  return /"ChannelType"\s*:/.test(head) ? 'pinpoint' : 'jsonl';
}

async function readFirstLine(file: string): Promise<string> {
  const stream = createReadStream(file, { encoding: 'utf8', start: 0, end: 65_535 });
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text.split('\n').find((line) => line.trim() !== '') ?? '';
}

/** The map file parsed, or its problems at file:line:column. */
async function readMap(path: string | undefined, io: CliIo): Promise<ColumnMap | undefined> {
  if (path === undefined) return {};
  const parsed = parseConfigFile(ColumnMap, path, await readFile(path, 'utf8'));
  if (parsed.value !== undefined) return parsed.value;
  for (const problem of parsed.problems) io.stderr(formatProblem(problem));
  return undefined;
}

export async function importProfilesCommand(args: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined) return usageError(io, 'missing the FILE to import');
  if (extra.length > 0) return usageError(io, `unexpected arguments after FILE: ${extra.join(' ')}`);
  if (values.list === '') return usageError(io, '--list needs a name');
  const importedAt = values.at === undefined ? busTime(Date.now()) : values.at;
  if (Number.isNaN(Date.parse(importedAt)) || !/[zZ]|[+-]\d\d:?\d\d$/.test(importedAt))
    return usageError(io, `--at must be an ISO-8601 time with a zone, got "${importedAt}"`);
  if (file.startsWith('s3://') !== (values.env !== undefined))
    return usageError(io, file.startsWith('s3://') ? 's3:// needs --env ENV' : '--env needs an s3:// object');
  const format = await formatOf(file, values.format).catch((error: unknown) => error);
  if (typeof format !== 'string') return cannotRead(io, file, format);
  if (!ProfileFormat.safeParse(format).success)
    return usageError(io, `${format}; expected csv, jsonl or pinpoint`);
  const map = await readMap(values.map, io).catch((error: unknown) => error);
  if (map === undefined) return 1;
  if (map instanceof Error) return cannotRead(io, values.map ?? '', map);
  const columns = ColumnMap.parse(map);
  const options = { format: ProfileFormat.parse(format), list: values.list, importedAt };
  if (file.startsWith('s3://'))
    return importProfilesOnAws(
      {
        ...options,
        url: file,
        env: values.env ?? '',
        region: values.region,
        map: columns,
        stateMachine: values['state-machine'],
      },
      io,
    );
  return importLocalFile(file, { ...options, file: basename(file) }, columns, io);
}

function cannotRead(io: CliIo, file: string, error: unknown): number {
  io.stderr(`${NAME}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  return 2;
}

async function importLocalFile(
  path: string,
  base: Omit<ProfileImportOptions, 'columns'>,
  map: ColumnMap,
  io: CliIo,
): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    return cannotRead(io, path, error);
  }
  const progress = new ProgressBar(size);
  const raw = createReadStream(path);
  raw.on('data', (chunk) => progress.read(chunk.length));
  const source = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let columns: ResolvedMap | undefined;
  const rows =
    base.format === 'csv'
      ? csvRows(source, (header) => {
          const resolved = resolveColumnMap(map, header);
          if (!resolved.ok) throw new HeaderError(resolved.problems);
          columns = resolved.map;
        })
      : jsonLinesRows(source);
  try {
    let written = 0;
    const summary = await importProfileRows(
      rows,
      () => ({ ...base, columns }),
      async (event) => {
        io.stdout(JSON.stringify(event));
        progress.row();
        // As `cairn import cdnow` does: a slow reader (| gzip) must not make the output queue in memory.
        written += 1;
        if (written % 256 === 0 && process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
      },
    );
    progress.done();
    io.stderr(formatProfileImportSummary(summary));
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof HeaderError) {
      for (const problem of error.problems)
        io.stderr(`${NAME}: ${path}: the map does not fit the header: ${problem}`);
      return 1;
    }
    return cannotRead(io, path, error);
  }
}

class HeaderError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}
