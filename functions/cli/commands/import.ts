import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  formatImportReport,
  type ImportResult,
  importCdnow,
  importOnlineRetail,
} from '../../core/import/index.ts';
import type { CliIo } from '../io.ts';
import { importProfilesCommand, importProfilesUsage } from './import-profiles.ts';

export const importPurchasesUsage = `Usage: cairn import <dataset> FILE > events.ndjson

Turns a public purchase data set into Cairn customer events, as NDJSON on stdout (one EventBridge event per
line, sorted by time), and reports on stderr the rows read, the events written and every row or invoice
skipped, with the reason and the line numbers of the first few. Importing the same file again gives
byte-identical output: ids are hashed from the order ids.

Datasets:
  cdnow           CDNOW_master.txt (customer_id date number_of_cds dollar_value, whitespace-separated).
                  Each row: Order Completed, source cairn.import.cdnow, userId the customer id as written
                  (00001), orderId cdnow-<customer>-<YYYYMMDD>-<n> (n counts that customer's rows of the day,
                  from 1), revenue in USD, quantity the number of CDs, time 12:00:00Z of the day (the data
                  has dates only; noon UTC keeps the date in almost every timezone). Rows of 0.00 are kept.
  online-retail   UCI Online Retail, read as ISO-8859-1, either one row per invoice
                  (InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice; amount Quantity*UnitPrice)
                  or line items in the UCI schema (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,
                  UnitPrice,CustomerID,Country; lines kept as products), told apart by the header. Rows of
                  one invoice number are merged. A sale: Order Completed; a C... cancellation: Order Refunded
                  with the positive amount, orderId its own number (the data does not name the invoice it
                  cancels), written only when the customer has an order at or before it in the file.
                  source cairn.import.online-retail, userId the CustomerID without .0, revenue in GBP, time
                  converted from UK local time to UTC, traits.country the Country as written, and
                  context.timezone a representative zone of that country (best effort; none for
                  Unspecified and European Community).

Skipped and counted, never fatal: unreadable rows (and the rest of their invoice), no customer id, A...
adjustments, zero or negative amounts (CDNOW: negative only), cancellations without an earlier order.

Exit status: 0 when the events are written (skips included), 1 when the file is not of that dataset,
2 for bad usage or a file that cannot be read.`;

export const importUsage = `${importPurchasesUsage}\n\n${importProfilesUsage}`;

const NAME = 'cairn import';
const DATASETS = {
  cdnow: { encoding: 'utf8', run: importCdnow },
  'online-retail': { encoding: 'latin1', run: importOnlineRetail },
} as const satisfies Record<string, { encoding: BufferEncoding; run: (text: string) => ImportResult }>;
type Dataset = keyof typeof DATASETS;

const isDataset = (name: string): name is Dataset => Object.hasOwn(DATASETS, name);

/** Lines written between checks for a full stdout. */
const CHECK_EVERY = 256;

/**
 * Waits until the process's stdout has flushed what it holds, so that a slow reader (`| gzip`) does not make
 * the whole output queue in memory. CliIo has no backpressure, so this looks at process.stdout itself; it
 * returns at once when nothing is queued (files, terminals, tests with an in-memory io). As in generate-events.
 */
async function stdoutDrained(): Promise<void> {
  if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`${NAME}: ${message}\n\n${importUsage}`);
  return 2;
}

/** `cairn import <dataset> FILE`: exit 0 after writing the events, 1 for a file not of that dataset, 2 for bad usage. */
export async function importCommand(args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'profiles') return importProfilesCommand(args.slice(1), io);
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error));
  }
  const [dataset, file, ...extra] = positionals;
  if (dataset === undefined) return usageError(io, 'missing the dataset: cdnow, online-retail or profiles');
  if (!isDataset(dataset))
    return usageError(io, `unknown dataset "${dataset}"; expected cdnow, online-retail or profiles`);
  if (file === undefined)
    return usageError(io, `missing the FILE to import, e.g. cairn import ${dataset} FILE`);
  if (extra.length > 0) return usageError(io, `unexpected arguments after FILE: ${extra.join(' ')}`);

  const { encoding, run } = DATASETS[dataset];
  let text: string;
  try {
    text = await readFile(file, encoding);
  } catch (error) {
    io.stderr(`${NAME}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const { events, report } = run(text);
  if (report.error !== undefined) {
    io.stderr(`${NAME}: ${file}: ${report.error}`);
    return 1;
  }
  let count = 0;
  for (const event of events) {
    io.stdout(JSON.stringify(event));
    count += 1;
    if (count % CHECK_EVERY === 0) await stdoutDrained();
  }
  io.stderr(formatImportReport(report, file));
  return 0;
}
