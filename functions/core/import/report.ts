/**
 * What the purchase-data importers share: the import report (rows read, events written, every skip with its
 * count and first examples), its text form for stderr, and the small helpers both importers build events with
 * (exact money arithmetic, deterministic ids, the output order). Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type { CustomerEvent } from '../events/index.ts';

/** Why a row or an invoice gave no event. Every skip is counted; none is silent, none stops the import. */
export type SkipKind =
  | 'bad-row'
  | 'invoice-with-bad-row'
  | 'conflicting-rows'
  | 'missing-customer'
  | 'not-a-sale'
  | 'non-positive-amount'
  | 'cancellation-without-order';

/** The order skips are listed in, with what each means. */
export const SKIP_KINDS: readonly { kind: SkipKind; label: string }[] = [
  { kind: 'bad-row', label: 'unreadable row (column count, date, number or id)' },
  { kind: 'invoice-with-bad-row', label: 'other rows of an invoice with an unreadable row' },
  { kind: 'conflicting-rows', label: 'invoice whose rows disagree on customer or country' },
  { kind: 'missing-customer', label: 'no customer id' },
  { kind: 'not-a-sale', label: 'neither a sale nor a cancellation (e.g. A… bad-debt adjustment)' },
  { kind: 'non-positive-amount', label: 'zero or negative amount' },
  { kind: 'cancellation-without-order', label: 'cancellation with no earlier order of that customer' },
];

/** How many examples of each skip kind the report keeps (line numbers and what was wrong). */
export const MAX_EXAMPLES = 5;

export type SkipExample = { line: number; reason: string };

export type Skip = {
  kind: SkipKind;
  /** What `count` counts: data rows, or invoices (online retail groups rows into invoices first). */
  unit: 'row' | 'invoice';
  count: number;
  /** Data rows behind the skipped items (equal to `count` when the unit is rows). */
  rows: number;
  /** The first few, in file order. */
  examples: SkipExample[];
};

export type ImportReport = {
  dataset: 'cdnow' | 'online-retail';
  /** Which layout of the file was recognised, e.g. `invoice-level`. */
  format: string;
  /** Data rows: non-blank lines after the header. */
  rowsRead: number;
  eventsWritten: number;
  /** Events written per `detail-type`, keys sorted. */
  eventsByType: Record<string, number>;
  /** Only the kinds that happened, in the order of SKIP_KINDS. */
  skips: Skip[];
  /** Other facts worth knowing about the import (merged invoices, countries without a timezone, ...). */
  notes: string[];
  /** Set when the file as a whole was not recognised: then there are no events. */
  error?: string;
};

export type ImportResult = { events: CustomerEvent[]; report: ImportReport };

/** Counts skips as an import goes, keeping the first examples of each kind. */
export class SkipCounter {
  readonly #skips = new Map<SkipKind, Skip>();

  add(kind: SkipKind, unit: Skip['unit'], line: number, reason: string, rows = 1): void {
    let skip = this.#skips.get(kind);
    if (skip === undefined) {
      skip = { kind, unit, count: 0, rows: 0, examples: [] };
      this.#skips.set(kind, skip);
    }
    skip.count += 1;
    skip.rows += rows;
    if (skip.examples.length < MAX_EXAMPLES) skip.examples.push({ line, reason });
  }

  list(): Skip[] {
    const skips: Skip[] = [];
    for (const { kind } of SKIP_KINDS) {
      const skip = this.#skips.get(kind);
      if (skip !== undefined) skips.push({ ...skip, examples: [...skip.examples].sort(byLine) });
    }
    return skips;
  }
}

const byLine = (a: SkipExample, b: SkipExample) => a.line - b.line;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** The report as lines for stderr; `file` names what was read. */
export function formatImportReport(report: ImportReport, file?: string): string {
  const from = file === undefined ? '' : ` ${file}:`;
  const lines = [
    `cairn import ${report.dataset}:${from} ${report.format} format, read ${plural(report.rowsRead, 'row')}`,
  ];
  if (report.error !== undefined) lines.push(`  error: ${report.error}`);
  const byType = Object.entries(report.eventsByType).map(([type, count]) => `${count} ${type}`);
  lines.push(
    `  wrote ${plural(report.eventsWritten, 'event')}${byType.length > 0 ? ` (${byType.join(', ')})` : ''}`,
  );
  if (report.skips.length === 0) lines.push('  skipped nothing');
  for (const skip of report.skips) {
    const label = SKIP_KINDS.find((k) => k.kind === skip.kind)?.label ?? skip.kind;
    const rows = skip.unit === 'invoice' ? ` (${plural(skip.rows, 'row')})` : '';
    lines.push(`  skipped ${plural(skip.count, skip.unit)}${rows}: ${skip.kind}: ${label}`);
    for (const example of skip.examples) lines.push(`    line ${example.line}: ${example.reason}`);
    if (skip.count > skip.examples.length) lines.push(`    … and ${skip.count - skip.examples.length} more`);
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

// ---- Shared by the importers ----

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
/** Decimal places amounts are computed with: exact for every price in the data sets (at most 4 places). */
export const AMOUNT_SCALE = 8;

/**
 * A plain decimal (`12.5`, `-0.85`, `3`) as an integer of 10^-AMOUNT_SCALE units, so that sums and products
 * are exact; undefined for anything else (`1e3`, `12,50`, `NaN`, more than AMOUNT_SCALE decimals).
 */
export function parseDecimal(text: string): bigint | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > AMOUNT_SCALE) return undefined;
  const units = BigInt(whole + fraction.padEnd(AMOUNT_SCALE, '0'));
  return sign === '-' ? -units : units;
}

/** A whole number (`12`, `-5`); undefined for anything else. */
export function parseWhole(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** An amount in 10^-AMOUNT_SCALE units as a number of the currency's main unit, rounded half away from zero to cents. */
export function toCents(units: bigint): number {
  const divisor = 10n ** BigInt(AMOUNT_SCALE - 2);
  const magnitude = units < 0n ? -units : units;
  let cents = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) cents += 1n;
  // cents / 100 is the double nearest to the decimal amount, so JSON shows it as written, e.g. 40282.39.
  return Number(units < 0n ? -cents : cents) / 100;
}

/**
 * A UUID-shaped, deterministic EventBridge `id`: the first 128 bits of SHA-256 over the source, the event name
 * and the order id, marked as an RFC 9562 version-8 (custom) UUID. Importing the same data again gives the same
 * ids; two different orders or two events of one order get different ones.
 */
export function deterministicId(source: string, detailType: string, orderId: string): string {
  const hex = createHash('sha256').update(`${source}\n${detailType}\n${orderId}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const TYPE_ORDER: Record<string, number> = { 'Order Completed': 0, 'Order Refunded': 1 };

/** An event with its sort keys: the instant in epoch milliseconds and the order id. */
export type TimedEvent = { at: number; orderId: string; event: CustomerEvent };

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Shorter first, then by code unit: `…-2` before `…-10`, and the same on every machine (no locale). */
const compareIds = (a: string, b: string) => a.length - b.length || compare(a, b);

/**
 * Sorts events by time; events at the same instant by customer, then orders before refunds, then order id,
 * so the output does not depend on the order of the input rows.
 */
export function sortEvents(timed: TimedEvent[]): CustomerEvent[] {
  return timed
    .sort(
      (a, b) =>
        a.at - b.at ||
        compareIds(a.event.detail.userId, b.event.detail.userId) ||
        (TYPE_ORDER[a.event['detail-type']] ?? 2) - (TYPE_ORDER[b.event['detail-type']] ?? 2) ||
        compareIds(a.orderId, b.orderId),
    )
    .map((t) => t.event);
}

export function countByType(events: readonly CustomerEvent[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event['detail-type'], (counts.get(event['detail-type']) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Splits text into lines (`\n` or `\r\n`), dropping a leading byte-order mark; lines given one by one lose a trailing `\r`. */
export function* linesOf(input: string | Iterable<string>): Generator<string> {
  if (typeof input === 'string') {
    const lines = input.replace(/^\uFEFF/, '').split('\n');
    // A final line end does not start another line.
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    return;
  }
  let first = true;
  for (const raw of input) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (first) line = line.replace(/^\uFEFF/, '');
    first = false;
    yield line;
  }
}
