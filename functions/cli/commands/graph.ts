import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { formatProblem } from '../../core/diagnostics/problem.ts';
import { toDot } from '../../core/graph/dot.ts';
import { graphPage } from '../../core/graph/html.ts';
import { type JourneyGraph, journeyGraph } from '../../core/graph/journey-graph.ts';
import { toMermaid } from '../../core/graph/mermaid.ts';
import { renderSvg } from '../../core/graph/svg.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import type { Journey } from '../../core/journeys/schema.ts';
import type { CliIo } from '../io.ts';

const Format = z.enum(['mermaid', 'dot', 'svg', 'html']);
type Format = z.infer<typeof Format>;

/** The format an --out file's extension names, when --format does not say. */
const FORMAT_OF_EXTENSION: Record<string, Format> = {
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.md': 'mermaid',
  '.dot': 'dot',
  '.gv': 'dot',
  '.svg': 'svg',
  '.html': 'html',
  '.htm': 'html',
};

export const graphUsage = `Usage: cairn graph JOURNEY [--format ${Format.options.join('|')}] [--out FILE] [--journeys DIR]

Draws a journey: its entry, every step and each way out of it (branches, split variants, a wait's
arrival and timeout, a call's answer and failure), where it completes, its goal and exit criteria.
JOURNEY is a journey id in --journeys, or a journey file.
  --format F      mermaid (text GitHub draws), dot (Graphviz), svg, or html (a page with the SVG
                  inline, nothing to fetch); default: from --out's extension, else mermaid
  --out FILE      write to FILE instead of printing
  --journeys DIR  where to look the id up; default journeys`;

/** `cairn graph`: exit 0 with the diagram, 1 when the journey has problems, 2 for bad usage or an unknown id. */
export async function graphCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      journeys: { type: 'string', default: 'journeys' },
    },
    strict: true,
  });
  const [wanted, ...extra] = positionals;
  if (wanted === undefined || extra.length > 0) {
    io.stderr(`cairn graph: expected one JOURNEY (an id or a file)\n\n${graphUsage}`);
    return 2;
  }
  const format = formatOf(values.format, values.out);
  if (!format.success) {
    io.stderr(`cairn graph: --format must be ${Format.options.join(', ')}, not "${values.format}"`);
    return 2;
  }
  const found = await findJourney(wanted, values.journeys, io);
  if (typeof found === 'number') return found;
  const text = await drawn(journeyGraph(found), format.data);
  if (values.out === undefined) io.stdout(text.trimEnd());
  else {
    await writeFile(values.out, text);
    io.stdout(`cairn graph: wrote ${values.out} (${format.data})`);
  }
  return 0;
}

function formatOf(given: string | undefined, out: string | undefined): z.ZodSafeParseResult<Format> {
  if (given !== undefined) return Format.safeParse(given);
  const implied = out === undefined ? undefined : FORMAT_OF_EXTENSION[extname(out).toLowerCase()];
  return Format.safeParse(implied ?? 'mermaid');
}

async function drawn(graph: JourneyGraph, format: Format): Promise<string> {
  if (format === 'mermaid') return toMermaid(graph);
  if (format === 'dot') return toDot(graph);
  const svg = await renderSvg(graph);
  return format === 'svg' ? svg : graphPage(graph, svg);
}

/**
 * The journey a file holds, or the one with the id in the folder; else an exit code, after saying why: its
 * problems, or the ids there are.
 */
async function findJourney(wanted: string, folder: string, io: CliIo): Promise<Journey | number> {
  const asFile = /\.(ya?ml|json)$/.test(wanted);
  const { files, missing } = await readJourneyFiles([asFile ? wanted : folder]);
  if (missing.length > 0) {
    io.stderr(`cairn graph: no such ${asFile ? 'file' : 'folder'}: ${missing.join(', ')}`);
    return 2;
  }
  const { journeys, problems } = loadJourneySet(files);
  const journey = asFile ? journeys[0]?.journey : journeys.find((j) => j.journey.id === wanted)?.journey;
  if (journey) return journey;
  const own = problems.filter((p) => asFile || fileNamesId(p.file, wanted));
  if (own.length > 0) {
    for (const problem of own) io.stderr(formatProblem(problem));
    io.stderr(
      `cairn graph: ${own.length} problem(s) in ${wanted}; fix them first ("npx cairn validate" lists them)`,
    );
    return 1;
  }
  const known = journeys.map((j) => j.journey.id).sort();
  const broken = new Set(problems.map((p) => p.file)).size;
  io.stderr(
    `cairn graph: no journey "${wanted}" in ${folder}; ${known.length === 0 ? 'it has none' : `known: ${known.join(', ')}`}` +
      (broken === 0 ? '' : ` (${broken} file(s) with problems not read: "npx cairn validate" lists them)`),
  );
  return 2;
}

/** Whether a journey file is likely the one with this id: journeys are named after their ids (welcome-series.yaml). */
function fileNamesId(file: string, id: string): boolean {
  return file.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/, '') === id;
}
