/**
 * Reading a profile file into rows: CSV (csv-parse, for quoted fields with commas, quotes and line breaks) and
 * JSON Lines (Pinpoint's export and Cairn's own). A row is what one imported profile is mapped from; a line
 * that cannot be read is a row with its problem, so one bad line never stops an import.
 */
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import * as z from 'zod';
import { setField } from '../../collections/own-field.ts';
import { linesOf } from '../report.ts';

/** One data row: its line in the file (for reports), its ordinal among rows (for ids), what it holds. */
export type Row =
  | { line: number; row: number; value: unknown }
  | { line: number; row: number; unreadable: { field: string; reason: string } };

export type Source = string | AsyncIterable<string | Uint8Array>;

async function* textLines(source: Source): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield* linesOf(source);
    return;
  }
  // Split chunks into lines as they come, so a file of any size streams.
  let rest = '';
  const decoder = new TextDecoder();
  let first = true;
  const clean = (line: string) => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    const withoutMark = first ? text.replace(/^\uFEFF/, '') : text;
    first = false;
    return withoutMark;
  };
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) yield clean(line);
  }
  rest += decoder.decode();
  if (rest !== '') yield clean(rest);
}

/** JSON Lines: each non-blank line a JSON value. Blank lines are not rows. */
export async function* jsonLinesRows(source: Source): AsyncGenerator<Row> {
  let line = 0;
  let row = 0;
  for await (const text of textLines(source)) {
    line += 1;
    if (text.trim() === '') continue;
    row += 1;
    try {
      yield { line, row, value: JSON.parse(text) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      yield { line, row, unreadable: { field: '(line)', reason: `not JSON: ${reason}` } };
    }
  }
}

export type CsvHeader = readonly string[];

/** What csv-parse gives with `info: true`: the record's cells and where it ended. */
const CsvRecord = z.object({ info: z.object({ lines: z.number() }), record: z.array(z.string()) });

/**
 * CSV with a header: each record as its cells by header name. `onHeader` sees the header first and may refuse
 * it (a map naming a missing column), which stops the import before any row. A record whose column count
 * differs from the header's, or whose quotes do not close, is an unreadable row.
 */
export async function* csvRows(source: Source, onHeader: (header: CsvHeader) => void): AsyncGenerator<Row> {
  const skipped: Row[] = [];
  let row = 0;
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      row += 1;
      const line = typeof error?.lines === 'number' ? error.lines : 0;
      skipped.push({
        line,
        row,
        unreadable: { field: '(line)', reason: error?.message ?? 'unreadable CSV' },
      });
      return undefined;
    },
  });
  const input = typeof source === 'string' ? Readable.from([source]) : Readable.from(source);
  input.pipe(parser);
  let header: CsvHeader | undefined;
  for await (const parsed of parser) {
    const { info, record } = CsvRecord.parse(parsed);
    yield* skipped.splice(0);
    if (header === undefined) {
      header = record;
      onHeader(header);
      continue;
    }
    row += 1;
    if (record.length !== header.length) {
      yield {
        line: info.lines,
        row,
        unreadable: {
          field: '(line)',
          reason: `expected ${header.length} columns as the header has, got ${record.length}`,
        },
      };
      continue;
    }
    const cells: Record<string, string> = {};
    header.forEach((name, i) => {
      setField(cells, name, record[i] ?? '');
    });
    yield { line: info.lines, row, value: cells };
  }
  yield* skipped.splice(0);
}
