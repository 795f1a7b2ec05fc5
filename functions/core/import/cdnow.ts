/**
 * The CDNOW purchase log (Fader and Hardie's CDNOW_master.txt) as Cairn customer events. Pure: text in,
 * events and a report out.
 *
 * The file: whitespace-separated `customer_id date number_of_cds dollar_value` (5-digit zero-padded id,
 * `YYYYMMDD`, a count, USD), an optional header line with those names, `\n` or `\r\n` line ends. A customer
 * can have several rows on one day.
 *
 * Each row becomes one `Order Completed`:
 * - `source` `cairn.import.cdnow`, `detail.userId` the customer id as written (`00001`);
 * - `properties.orderId` `cdnow-<customer_id>-<date>-<n>`, n counting that customer's rows of that day from 1
 *   in file order (the data has no order ids); `revenue` the dollar value in USD, rounded to cents;
 *   `currency` `USD`; `quantity` the number of CDs;
 * - `time` 12:00:00Z of the day: the data has dates only, and noon UTC falls on the same calendar date at every
 *   UTC offset from -12:00 to +11:59 (all but New Zealand, Fiji, Tonga, Kiribati and the like), so a customer's
 *   local view of the purchase keeps its date almost everywhere;
 * - `detail.eventId` `<orderId>-completed` and a UUID-shaped `id` hashed from the source and the order id, so
 *   importing the file again gives byte-identical events.
 *
 * Rows with a dollar value of 0.00 are kept (revenue 0): they are transactions of the data set, counted as
 * purchases in the analyses that use it. Negative values and unreadable rows are skipped and counted.
 */
import type { CustomerEvent } from '../events/index.ts';
import {
  countByType,
  deterministicId,
  type ImportResult,
  linesOf,
  parseDecimal,
  parseWhole,
  SkipCounter,
  sortEvents,
  type TimedEvent,
  toCents,
} from './report.ts';

export const CDNOW_SOURCE = 'cairn.import.cdnow';
export const CDNOW_COLUMNS: readonly string[] = ['customer_id', 'date', 'number_of_cds', 'dollar_value'];
const FORMAT = 'CDNOW master';

type Row =
  | { ok: true; customer: string; date: string; day: number; cds: number; dollars: bigint }
  | { ok: false; reason: string };

function parseRow(fields: string[]): Row {
  if (fields.length !== CDNOW_COLUMNS.length)
    return {
      ok: false,
      reason: `expected ${CDNOW_COLUMNS.length} columns (${CDNOW_COLUMNS.join(' ')}), got ${fields.length}`,
    };
  const [customer = '', date = '', cdsText = '', dollarsText = ''] = fields;
  if (!/^\d+$/.test(customer)) return { ok: false, reason: `customer_id must be digits, got "${customer}"` };
  const ymd = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const day = ymd === null ? Number.NaN : Date.UTC(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3]));
  if (ymd === null || new Date(day).toISOString().slice(0, 10) !== `${ymd[1]}-${ymd[2]}-${ymd[3]}`)
    return { ok: false, reason: `date must be a real day as YYYYMMDD, got "${date}"` };
  const cds = parseWhole(cdsText);
  if (cds === undefined || cds < 0n || cds > BigInt(Number.MAX_SAFE_INTEGER))
    return { ok: false, reason: `number_of_cds must be a whole number, got "${cdsText}"` };
  const dollars = parseDecimal(dollarsText);
  if (dollars === undefined)
    return { ok: false, reason: `dollar_value must be a decimal number, got "${dollarsText}"` };
  return { ok: true, customer, date, day, cds: Number(cds), dollars };
}

function isHeader(fields: string[]): boolean {
  return (
    fields.length === CDNOW_COLUMNS.length &&
    fields.every((field, i) => field.toLowerCase() === CDNOW_COLUMNS[i])
  );
}

/**
 * Reads a CDNOW purchase log (its whole text, or its lines) into `Order Completed` events sorted by time, and a
 * report of what was read, written and skipped. Never throws on bad data: a file that is not a CDNOW log at
 * all (its first line is neither the header nor a readable row) gives no events and `report.error`.
 */
export function importCdnow(input: string | Iterable<string>): ImportResult {
  const skips = new SkipCounter();
  const timed: TimedEvent[] = [];
  const rowsOfDay = new Map<string, number>();
  let rowsRead = 0;
  let zeroValue = 0;
  let sawFirst = false;
  let header = false;
  let error: string | undefined;
  let lineNumber = 0;

  for (const line of linesOf(input)) {
    lineNumber += 1;
    const text = line.trim();
    if (text === '') continue;
    const fields = text.split(/\s+/);
    if (!sawFirst) {
      sawFirst = true;
      if (isHeader(fields)) {
        header = true;
        continue;
      }
      if (!parseRow(fields).ok) {
        const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
        error = `not a CDNOW purchase log: line ${lineNumber} is neither the header "${CDNOW_COLUMNS.join(' ')}" nor a row of them, got "${shown}"`;
        break;
      }
    }
    rowsRead += 1;
    const row = parseRow(fields);
    if (!row.ok) {
      skips.add('bad-row', 'row', lineNumber, row.reason);
      continue;
    }
    const dayKey = `${row.customer}-${row.date}`;
    const n = (rowsOfDay.get(dayKey) ?? 0) + 1;
    rowsOfDay.set(dayKey, n);
    if (row.dollars < 0n) {
      skips.add(
        'non-positive-amount',
        'row',
        lineNumber,
        `dollar_value ${toCents(row.dollars).toFixed(2)} is negative`,
      );
      continue;
    }
    if (row.dollars === 0n) zeroValue += 1;
    const orderId = `cdnow-${dayKey}-${n}`;
    const at = row.day + 12 * 3_600_000;
    const event: CustomerEvent = {
      version: '0',
      id: deterministicId(CDNOW_SOURCE, 'Order Completed', orderId),
      'detail-type': 'Order Completed',
      source: CDNOW_SOURCE,
      time: `${new Date(row.day).toISOString().slice(0, 10)}T12:00:00Z`,
      resources: [],
      detail: {
        userId: row.customer,
        eventId: `${orderId}-completed`,
        properties: { orderId, revenue: toCents(row.dollars), currency: 'USD', quantity: row.cds },
      },
    };
    timed.push({ at, orderId, event });
  }

  const events = error === undefined ? sortEvents(timed) : [];
  const notes: string[] = [];
  if (events.length > 0) notes.push('the data has dates only: every event is at 12:00:00Z of its day');
  const severalPerDay = [...rowsOfDay.values()].filter((n) => n > 1).length;
  if (severalPerDay > 0)
    notes.push(`customer-days with several rows (order ids end -1, -2, ... in file order): ${severalPerDay}`);
  if (zeroValue > 0) notes.push(`rows with dollar_value 0.00, kept as orders with revenue 0: ${zeroValue}`);
  const report: ImportResult['report'] = {
    dataset: 'cdnow',
    format: header || !sawFirst ? FORMAT : `${FORMAT} (no header)`,
    rowsRead,
    eventsWritten: events.length,
    eventsByType: countByType(events),
    skips: skips.list(),
    notes,
  };
  if (!sawFirst) report.error = 'the file is empty: expected a CDNOW purchase log';
  if (error !== undefined) report.error = error;
  return { events, report };
}
