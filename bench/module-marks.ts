// Where a function's cold start runs its instructions, module by module: a diagnostic run by hand,
// `npx tsx bench/module-marks.ts ingest [rows]` (or a floor: `bench/floors/engine.ts`), not part of `npm run bench`.
// docs/benchmarks.md ("Function bundles", branch shares7) reads its output.
//
// The bundle is built as the bench builds it, with `globalThis.__mark?.(name)` put first in every module (its
// path for Cairn's, its package for a dependency's). `__mark` calls `process.cpuUsage()`, that is libuv's
// `uv_getrusage`, and callgrind dumps a part before each call: so each module's top level, and whatever V8 does
// meanwhile (a scavenge, a lazy compile), is a part of its own. A first run without valgrind prints the marks'
// order. The parts include the marks themselves (a few thousand instructions each).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../infra/lib/app.ts';
import { HANDLER_NAMES, handlerEntry } from '../infra/lib/cairn-function.ts';
import { functionBuildOptions } from '../infra/lib/function-bundle.ts';
import { firstInvocationImports } from './first-invocation.ts';

/** The name a module is counted under: its path for Cairn's own, its package for a dependency's. */
function markName(path: string): string {
  const inProject = relative(PROJECT_ROOT, path);
  if (!inProject.startsWith('node_modules/')) return inProject;
  const pkg = /^node_modules\/((@[^/]+\/)?[^/]+)/.exec(inProject)?.[1];
  return pkg ?? inProject;
}

const marking: Plugin = {
  name: 'module-marks',
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|mjs|cjs)$/ }, (args) => ({
      contents: `globalThis.__mark?.(${JSON.stringify(markName(args.path))});\n${readFileSync(args.path, 'utf8')}`,
      loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      resolveDir: join(args.path, '..'),
    }));
  },
};

/** Imports the entry, then each chunk of the first invocation, as the bench's cold-start count does. */
const SCRIPT = `globalThis.__mark = (name) => { process.cpuUsage(); if (process.env.PRINT_MARKS) console.log(name); };
globalThis.__mark('<start>');
await import(process.argv[1]);
for (const chunk of process.argv.slice(2)) { globalThis.__mark('<chunk>'); await import(chunk); }
globalThis.__mark('<end>');`;

function entryOf(what: string): string {
  const handler = HANDLER_NAMES.find((name) => name === what);
  if (handler !== undefined) return handlerEntry(handler);
  if (what.startsWith('bench/floors/')) return what;
  throw new Error(
    `${what}: expected a function (${HANDLER_NAMES.join(', ')}) or a floor (bench/floors/*.ts)`,
  );
}

/** The instructions of each dumped part, in order: `out.1` (process start to the first mark), `out.2`, ... */
function partsOf(dir: string): number[] {
  const parts = readdirSync(dir)
    .map((file) => /^out\.(\d+)$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => ({ index: Number(match[1]), file: match[0] }))
    .sort((a, b) => a.index - b.index);
  const last = join(dir, 'out');
  return [...parts.map(({ file }) => join(dir, file)), last].map((file) =>
    Number(/^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? Number.NaN),
  );
}

async function moduleMarks(what: string, rows: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-marks-'));
  try {
    const options = {
      ...functionBuildOptions(entryOf(what), dir, PROJECT_ROOT),
      sourcemap: false,
      plugins: [marking],
    };
    await build(options);
    const files = [join(dir, 'index.mjs'), ...(await firstInvocationImports(options))];
    const env = { PATH: process.env.PATH ?? '' };
    const args = ['--single-threaded', '--input-type=module', '-e', SCRIPT, ...files];
    const printed = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      env: { ...env, PRINT_MARKS: '1' },
    });
    const names = printed.stdout.trim().split('\n');
    const counted = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${join(dir, 'out')}`,
        '--dump-before=uv_getrusage',
        process.execPath,
        ...args,
      ],
      { encoding: 'utf8', env },
    );
    if (counted.status !== 0) throw new Error(`valgrind failed: ${counted.stderr.slice(-500)}`);
    // Part i + 1 runs from mark i - 1 to mark i: mark i's own part is the next one.
    const parts = partsOf(dir).slice(1);
    const byName = new Map<string, number>();
    for (const [i, name] of names.entries()) byName.set(name, (byName.get(name) ?? 0) + (parts[i] ?? 0));
    const total = [...byName.values()].reduce((sum, part) => sum + part, 0);
    console.log(
      `${what}: ${(total / 1e6).toFixed(1)} M instructions from the first mark, ${names.length} marks`,
    );
    for (const [name, part] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, rows))
      console.log(`${(part / 1e6).toFixed(2).padStart(8)} M  ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await moduleMarks(process.argv[2] ?? 'ingest', Number(process.argv[3] ?? 40));
