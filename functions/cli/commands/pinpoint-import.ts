import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExportFile, importPinpointExport } from '../../core/pinpoint/import.ts';
import type { CliIo } from '../io.ts';

export const pinpointImportUsage = `Usage: cairn pinpoint import DIR --out journeys/

Turns a folder written by "cairn pinpoint export" into Cairn files, offline: journeys, segments/, templates/,
policies.yaml, tests/ (one journey test per journey: a customer down each path) and IMPORT-REPORT.md, which
lists per object what was mapped, what changed meaning and what was not mapped. Unknown or malformed input
stops it with the file and the path in it. Then: cairn validate OUT, cairn test --journeys OUT.
  --out DIR  where to write (created; files of the same name are replaced)`;

/** The endpoint files `cairn pinpoint export` downloaded (endpoints/*.jsonl), relative to the export folder. */
async function endpointFiles(root: string): Promise<string[]> {
  const entries = await readdir(join(root, 'endpoints')).catch(() => []);
  return entries.filter((name) => name.endsWith('.jsonl')).sort();
}

/** What to run to import the endpoints as profiles: one `cairn import profiles` per file the export downloaded. */
function profileImportLines(dir: string, files: readonly string[]): string[] {
  if (files.length === 0) return [];
  return [
    `Endpoints: import the ${files.length} file(s) the export downloaded as profiles (docs/audiences.md):`,
    ...files.map(
      (name) =>
        `  cairn import profiles ${join(dir, 'endpoints', name)} --format pinpoint > profiles-${name.replace(/\.jsonl$/, '')}.ndjson`,
    ),
  ];
}

async function jsonFiles(root: string, folder = root): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? jsonFiles(root, join(folder, e.name))
        : Promise.resolve(e.name.endsWith('.json') ? [join(folder, e.name)] : []),
    ),
  );
  return nested.flat().sort();
}

export async function pinpointImportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' } },
    strict: true,
  });
  const [dir] = positionals;
  if (dir === undefined || values.out === undefined || positionals.length > 1) {
    io.stderr(pinpointImportUsage);
    return 2;
  }
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    io.stderr(`cairn pinpoint import: no such folder: ${dir}`);
    return 2;
  }
  const files: ExportFile[] = [];
  for (const path of await jsonFiles(dir))
    files.push({ file: relative(dir, path).split('\\').join('/'), text: await readFile(path, 'utf8') });
  const result = importPinpointExport(files.map((f) => ({ ...f, file: f.file })));
  if (!result.ok) {
    for (const problem of result.problems) io.stderr(`${dir.replace(/\/$/, '')}/${problem}`);
    io.stderr(`cairn pinpoint import: ${result.problems.length} problem(s); nothing written`);
    return 1;
  }
  for (const file of result.files) {
    const path = join(values.out, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
  const imported = result.reports.filter((r) => r.outputs.length > 0).length;
  const attention = result.reports.filter((r) => r.changed.length + r.unmapped.length > 0).length;
  io.stdout(
    `${result.reports.length} Pinpoint object(s): ${imported} imported, ${result.reports.length - imported} not; ` +
      `${attention} need a look (${join(values.out, 'IMPORT-REPORT.md')}). Next: cairn validate ${values.out}`,
  );
  for (const line of profileImportLines(dir, await endpointFiles(dir))) io.stdout(line);
  return 0;
}
