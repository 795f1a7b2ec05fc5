/**
 * The AWS import's unit of work: a batch of rows the Distributed Map read from the object (its ItemReader) and
 * handed to the import function, mapped with the same row mappers as `cairn import profiles` and published
 * to the ingest queue, whose consumer's concurrency bounds the write rate. Pure but for the publisher port.
 */
import { basename } from 'node:path/posix';
import * as z from 'zod';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import { ColumnMap, resolveColumnMap } from './csv-map.ts';
import { MAX_ROW_EXAMPLES, mapRow, type ProfileImportOptions } from './import-profiles.ts';
import { ProfileFormat, type RowSkipKind } from './imported-profile.ts';
import type { Row } from './rows.ts';

/** What starts an import: the object, how to read it, and the import's options. The state machine's input. */
export const ImportRequest = z.lazy(() =>
  z.strictObject({
    bucket: z.string().min(1),
    key: z.string().min(1),
    format: ProfileFormat,
    list: z.string().min(1).optional(),
    /** ISO-8601: the time of rows that do not say theirs (the object's creation time when S3 started it). */
    importedAt: z.iso.datetime({ offset: true }),
    /** CSV: the column map (a map file as `cairn import profiles --map` reads it). */
    map: ColumnMap.optional(),
  }),
);
export type ImportRequest = z.infer<typeof ImportRequest>;

/** What the Distributed Map hands the function: the request once, and each item with its index in the object. */
export const ImportBatch = z.lazy(() =>
  z.object({
    BatchInput: z.object({ request: ImportRequest }),
    Items: z.array(z.object({ index: z.number().int().min(0), value: z.unknown() })),
  }),
);
export type ImportBatch = z.infer<typeof ImportBatch>;

export type ImportBatchSummary = {
  rows: number;
  imported: number;
  skipped: Partial<Record<RowSkipKind, number>>;
  /** The first few skipped rows. `line` assumes one line per row (no line breaks inside CSV cells). */
  examples: { row: number; line: number; kind: RowSkipKind; field: string; reason: string }[];
};

/** Rows the ItemReader gave, numbered as the local import numbers them. */
function rowsOf(batch: ImportBatch): Row[] {
  // CSV: the header is line 1. JSON Lines: each row a line (a blank line would shift the count).
  const headerLines = batch.BatchInput.request.format === 'csv' ? 1 : 0;
  return batch.Items.map(({ index, value }) => ({ line: index + 1 + headerLines, row: index + 1, value }));
}

/** Maps a batch and publishes its events; a bad row is counted and named, never thrown. */
export async function importBatch(batch: ImportBatch, events: EventPublisher): Promise<ImportBatchSummary> {
  const { request } = batch.BatchInput;
  const options: ProfileImportOptions = {
    format: request.format,
    file: basename(request.key),
    list: request.list,
    importedAt: request.importedAt,
  };
  const first = batch.Items[0]?.value;
  if (request.format === 'csv' && typeof first === 'object' && first !== null) {
    const resolved = resolveColumnMap(request.map ?? {}, Object.keys(first));
    // A map that does not fit the header fits no row: fail the batch (and so the run) with why.
    if (!resolved.ok) throw new Error(`the map does not fit the header: ${resolved.problems.join('; ')}`);
    options.columns = resolved.map;
  }
  const summary: ImportBatchSummary = { rows: 0, imported: 0, skipped: {}, examples: [] };
  const ready = [];
  for (const row of rowsOf(batch)) {
    summary.rows += 1;
    const mapped = mapRow(row, options);
    if (mapped.ok) {
      ready.push(mapped.event);
      continue;
    }
    const { kind, field, reason } = mapped.problem;
    summary.skipped[kind] = (summary.skipped[kind] ?? 0) + 1;
    if (summary.examples.length < MAX_ROW_EXAMPLES)
      summary.examples.push({ row: row.row, line: row.line, kind, field, reason });
  }
  await events.publish(ready);
  summary.imported = ready.length;
  return summary;
}
