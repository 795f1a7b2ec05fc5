/**
 * A profile file through the row mappers into `Profile Imported` events, and the import's summary: rows read,
 * imported, merged into a profile an earlier row made, skipped by reason with the line and field of the first
 * few. The CLI runs it on a file; the AWS import function runs `mapRow` on each batch of rows the Distributed
 * Map hands it, so both make the same events.
 */
import type { CustomerEvent } from '../../events/index.ts';
import { mapCsvRow, type ResolvedMap } from './csv-map.ts';
import {
  type ProfileFormat,
  profileImportedEvent,
  type RowProblem,
  type RowResult,
  type RowSkipKind,
} from './imported-profile.ts';
import { mapProfileLine } from './jsonl.ts';
import { mapPinpointEndpoint } from './pinpoint.ts';
import type { Row } from './rows.ts';

export type ProfileImportOptions = {
  format: ProfileFormat;
  /** The file's name, without its folder: part of every event id. */
  file: string;
  list?: string | undefined;
  /** ISO-8601: the time of rows that do not say when they were true. */
  importedAt: string;
  /** CSV only: the column map resolved against the file's header. */
  columns?: ResolvedMap | undefined;
};

/** What one row maps to, by format. */
export function mapRowValue(value: unknown, options: ProfileImportOptions): RowResult {
  switch (options.format) {
    case 'pinpoint':
      return mapPinpointEndpoint(value);
    case 'jsonl':
      return mapProfileLine(value);
    case 'csv': {
      if (options.columns === undefined) throw new Error('a CSV import needs its column map resolved');
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { ok: false, problem: { kind: 'bad-row', field: '(line)', reason: 'not a CSV row' } };
      return mapCsvRow(
        Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : undefined])),
        options.columns,
      );
    }
  }
}

export type MappedRow =
  | { ok: true; line: number; event: CustomerEvent }
  | { ok: false; line: number; problem: RowProblem };

/** One row into its event, or the problem that keeps it out. */
export function mapRow(row: Row, options: ProfileImportOptions): MappedRow {
  if ('unreadable' in row)
    return { ok: false, line: row.line, problem: { kind: 'bad-row', ...row.unreadable } };
  const result = mapRowValue(row.value, options);
  if (!result.ok) return { ok: false, line: row.line, problem: result.problem };
  const event = profileImportedEvent(result.profile, {
    file: options.file,
    row: row.row,
    value: row.value,
    format: options.format,
    list: options.list,
    importedAt: options.importedAt,
  });
  return { ok: true, line: row.line, event };
}

export const ROW_SKIP_LABELS: Record<RowSkipKind, string> = {
  'bad-row': 'unreadable row or a field with a wrong value',
  'no-user-id': 'no user id',
  'unsupported-channel': 'a channel Cairn does not deliver on',
  'inactive-endpoint': 'an endpoint Pinpoint marked INACTIVE',
};

export const MAX_ROW_EXAMPLES = 5;

export type RowSkip = {
  kind: RowSkipKind;
  count: number;
  examples: { line: number; field: string; reason: string }[];
};

export type ProfileImportSummary = {
  format: ProfileFormat;
  file: string;
  rowsRead: number;
  /** Rows that became an event. */
  imported: number;
  /** Distinct users those rows are of. */
  profiles: number;
  /** Imported rows of a user an earlier row of the file already had: they merge into that profile. */
  merged: number;
  skips: RowSkip[];
};

/** Counts an import as rows are mapped. Keeps the users seen, to tell a new profile from a merge. */
export class ProfileImportTally {
  rowsRead = 0;
  imported = 0;
  readonly #users = new Set<string>();
  readonly #skips = new Map<RowSkipKind, RowSkip>();

  constructor(private readonly options: Pick<ProfileImportOptions, 'format' | 'file'>) {}

  add(mapped: MappedRow): void {
    this.rowsRead += 1;
    if (mapped.ok) {
      this.imported += 1;
      this.#users.add(mapped.event.detail.userId);
      return;
    }
    const { kind, field, reason } = mapped.problem;
    const skip = this.#skips.get(kind) ?? { kind, count: 0, examples: [] };
    skip.count += 1;
    if (skip.examples.length < MAX_ROW_EXAMPLES) skip.examples.push({ line: mapped.line, field, reason });
    this.#skips.set(kind, skip);
  }

  summary(): ProfileImportSummary {
    const order = Object.keys(ROW_SKIP_LABELS);
    return {
      ...this.options,
      rowsRead: this.rowsRead,
      imported: this.imported,
      profiles: this.#users.size,
      merged: this.imported - this.#users.size,
      skips: [...this.#skips.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind)),
    };
  }
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** The summary as lines for stderr. */
export function formatProfileImportSummary(summary: ProfileImportSummary): string {
  const lines = [
    `cairn import profiles: ${summary.file}: ${summary.format} format, read ${plural(summary.rowsRead, 'row')}`,
    `  imported ${plural(summary.imported, 'row')} into ${plural(summary.profiles, 'profile')} (${summary.merged} merged into a profile of an earlier row)`,
  ];
  if (summary.skips.length === 0) lines.push('  skipped nothing');
  for (const skip of summary.skips) {
    lines.push(`  skipped ${plural(skip.count, 'row')}: ${skip.kind}: ${ROW_SKIP_LABELS[skip.kind]}`);
    for (const e of skip.examples) lines.push(`    line ${e.line}: ${e.field}: ${e.reason}`);
    if (skip.count > skip.examples.length) lines.push(`    … and ${skip.count - skip.examples.length} more`);
  }
  return lines.join('\n');
}

/** Maps every row, handing each event on as it is made (so a file of any size streams), and sums up. */
export async function importProfileRows(
  rows: AsyncIterable<Row> | Iterable<Row>,
  options: ProfileImportOptions | (() => ProfileImportOptions),
  onEvent: (event: CustomerEvent) => void | Promise<void>,
): Promise<ProfileImportSummary> {
  let tally: ProfileImportTally | undefined;
  let resolved: ProfileImportOptions | undefined;
  for await (const row of rows) {
    // Options may depend on the header, which the first row's read has seen.
    resolved ??= typeof options === 'function' ? options() : options;
    tally ??= new ProfileImportTally(resolved);
    const mapped = mapRow(row, resolved);
    tally.add(mapped);
    if (mapped.ok) await onEvent(mapped.event);
  }
  resolved ??= typeof options === 'function' ? options() : options;
  return (tally ?? new ProfileImportTally(resolved)).summary();
}
