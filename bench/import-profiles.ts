// npm run bench -- import: profile import rows/s on this machine, as `cairn import profiles` reads files.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JourneyCatalog } from '../functions/core/engine/catalog.ts';
import type { CustomerEvent } from '../functions/core/events/index.ts';
import {
  csvRows,
  importProfileRows,
  jsonLinesRows,
  type ResolvedMap,
  resolveColumnMap,
} from '../functions/core/import/profiles/index.ts';
import { noPolicies } from '../functions/core/policies/config.ts';
import { Simulation } from '../functions/core/simulate/simulation.ts';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const AT = '2026-11-01T00:00:00Z';
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Tokyo', 'Europe/Paris'];

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, 'drain');
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

function* csvLines(rows: number): Generator<string> {
  yield 'user_id,email,phone,timezone,locale,email_opt_in,plan,city';
  for (let i = 0; i < rows; i++)
    yield `u${i},user${i}@example.com,+4479111${String(i % 100_000).padStart(5, '0')},${ZONES[i % 4]},en-GB,${i % 3 === 0 ? 'yes' : 'no'},${i % 2 ? 'pro' : 'free'},"Leeds, UK"`;
}

/** Three endpoints per user (email, SMS, a push device), as a Pinpoint export has them. */
function* pinpointLines(rows: number): Generator<string> {
  for (let i = 0; i < rows; i++) {
    const user = Math.floor(i / 3);
    const [ChannelType, Address] = [
      ['EMAIL', `user${user}@example.com`],
      ['SMS', `+4479111${String(user % 100_000).padStart(5, '0')}`],
      ['APNS', `token-${user}`],
    ][i % 3] ?? ['EMAIL', ''];
    yield JSON.stringify({
      Id: `ep-${i}`,
      ChannelType,
      Address,
      EndpointStatus: 'ACTIVE',
      OptOut: i % 10 === 0 ? 'ALL' : 'NONE',
      EffectiveDate: '2026-09-01T08:00:00.000Z',
      Demographic: { Timezone: ZONES[user % 4], Locale: 'en_GB' },
      Attributes: { interests: ['coffee', 'tea'] },
      User: { UserId: `u${user}`, UserAttributes: { plan: ['pro'] } },
    });
  }
}

/** Reads a file through the CLI's path (stream, rows, mapping, JSON text of each event) and times it. */
async function timeImport(file: string, format: 'csv' | 'pinpoint', rows: number): Promise<number> {
  let columns: ResolvedMap | undefined;
  const source = createReadStream(file);
  const read =
    format === 'csv'
      ? csvRows(source, (header) => {
          const resolved = resolveColumnMap({}, header);
          if (resolved.ok) columns = resolved.map;
        })
      : jsonLinesRows(source);
  let bytes = 0;
  const started = performance.now();
  const summary = await importProfileRows(
    read,
    () => ({ format, file: 'bench', importedAt: AT, columns }),
    (event) => {
      bytes += JSON.stringify(event).length;
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (summary.imported !== rows) throw new Error(`${format}: imported ${summary.imported} of ${rows} rows`);
  console.log(
    `import: ${format} ${fmt(rows)} rows -> ${fmt(summary.profiles)} profiles, ${fmt(bytes / 2 ** 20, 1)} MiB of events in ${fmt(seconds, 2)} s: ${fmt(rows / seconds)} rows/s`,
  );
  return seconds;
}

/** Rows/s applied to profiles by the simulator's ingest (dedupe, merge, addresses, consent), no journeys. */
async function timeApplied(file: string, rows: number): Promise<void> {
  const all: CustomerEvent[] = [];
  await importProfileRows(
    jsonLinesRows(createReadStream(file)),
    { format: 'pinpoint', file: 'bench', importedAt: AT },
    (e) => {
      all.push(e);
    },
  );
  const events = all.slice(0, rows);
  const simulation = new Simulation({
    config: {
      catalog: new JourneyCatalog([]),
      lifecycle: undefined,
      policies: noPolicies(),
      templates: new Map(),
      defaultTimezone: 'UTC',
    },
  });
  const started = performance.now();
  for (const event of events) await simulation.processEvent(event);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `import: ${fmt(rows)} Pinpoint rows applied through the simulator's ingest in ${fmt(seconds, 2)} s: ${fmt(rows / seconds)} rows/s`,
  );
}

/** `rows` of each format; CAIRN_BENCH_IMPORT_ROWS makes a quick run smaller. */
export async function importThroughput(
  rows = Number(process.env.CAIRN_BENCH_IMPORT_ROWS ?? 300_000),
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-bench-import-'));
  try {
    const csv = join(dir, 'profiles.csv');
    const pinpoint = join(dir, 'endpoints.jsonl');
    await writeLines(csv, csvLines(rows));
    await writeLines(pinpoint, pinpointLines(rows));
    await timeImport(csv, 'csv', rows);
    await timeImport(pinpoint, 'pinpoint', rows);
    await timeApplied(pinpoint, Math.min(rows, 30_000));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
