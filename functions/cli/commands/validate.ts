import { parseArgs } from 'node:util';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import { describeJourney } from '../../core/journeys/describe.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import type { CliIo } from '../io.ts';
import { readJourneyFiles } from '../journey-files.ts';

export const validateUsage = `Usage: cairn validate [paths...] [--quiet]

Checks journey files (YAML or JSON) and lists every problem with file:line:column.
Paths default to journeys/. A folder contributes the journey files directly inside it.
  --quiet   print only problems and the summary, not what each journey does`;

/** `cairn validate`: exit 0 when every journey is valid, 1 when any problem is found, 2 for bad usage. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { quiet: { type: 'boolean', default: false } },
    strict: true,
  });
  const paths = positionals.length > 0 ? positionals : ['journeys'];
  const { files, missing } = await readJourneyFiles(paths);
  for (const path of missing) io.stderr(`cairn validate: no such file or folder: ${path}`);
  if (missing.length > 0) return 2;
  if (files.length === 0) {
    io.stderr(`cairn validate: no journey files (.yaml, .yml, .json) in ${paths.join(', ')}`);
    return 2;
  }
  const { journeys, problems } = loadJourneySet(files);
  for (const problem of problems) io.stderr(formatProblem(problem));
  if (!values.quiet) {
    for (const { journey, file } of journeys) io.stdout(`${describeJourney(journey, file).join('\n')}\n`);
  }
  const badFiles = new Set(problems.map((p) => p.file)).size;
  const summary = `${files.length} journey file(s) checked: ${journeys.length} valid, ${problems.length} problem(s) in ${badFiles} file(s)`;
  if (problems.length > 0) {
    io.stderr(summary);
    return 1;
  }
  io.stdout(summary);
  return 0;
}
