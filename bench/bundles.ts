// The function bundles as the CDK synth builds them: size, and module load time in a fresh Node process.
// Imported by bench/run.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import type { HandlerName } from '../infra/lib/cairn-function.ts';
import { ESM_REQUIRE_SHIM, LAMBDA_CREDENTIALS, SDK_CREDENTIAL_CHAIN } from '../infra/lib/cairn-function.ts';
import { BUNDLED, bundlesOf, removeOutput, synthesize } from '../test/infra/support.ts';

const LOAD_RUNS = 11;

/** Bundles of the stack alone, built as the functions are, to show what a function cannot load faster than. */
const FLOORS = [
  ['floor: SDK clients', 'bench/floors/sdk.ts'],
  ['floor: SDK, zod, middy, Powertools', 'bench/floors/stack.ts'],
] as const;

/**
 * Each function's own floor: the libraries it loads at its start and the AWS clients it constructs, with no
 * Cairn code (bench/floors/). What the function executes beyond it is Cairn's share, the goal of issue 15 part 3
 * being at most 25% of the floor.
 */
const FUNCTION_FLOORS: Record<HandlerName, string> = {
  ingest: 'bench/floors/engine.ts',
  timers: 'bench/floors/engine.ts',
  feedback: 'bench/floors/feedback.ts',
  deliver: 'bench/floors/deliver.ts',
  calls: 'bench/floors/calls.ts',
  unsubscribe: 'bench/floors/unsubscribe.ts',
  import: 'bench/floors/import.ts',
  segments: 'bench/floors/segments.ts',
  // The runs function constructs the same clients as ingest: the DynamoDB document client and SQS.
  runs: 'bench/floors/engine.ts',
};
const SHARE_GOAL = 0.25;

const IMPORT = 'await import(process.argv[1]);';
/** Only PATH: no NODE_OPTIONS or extra CA certificates of the shell, as in Lambda's clean environment. */
const CLEAN_ENV = { PATH: process.env.PATH ?? '' };

/** Milliseconds from the start of `import()` to the module being evaluated, in a new process each time. */
function loadMs(file: string): number {
  const script = `const t = performance.now(); ${IMPORT} console.log(performance.now() - t);`;
  const runs: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], {
      encoding: 'utf8',
      env: CLEAN_ENV,
    });
    runs.push(Number(out.trim()));
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] ?? Number.NaN;
}

/**
 * Instructions a fresh Node process executes to start and import `file`, counted by valgrind's callgrind:
 * unlike milliseconds, the count barely moves with what else the machine is doing. Undefined without valgrind.
 */
function importInstructions(file: string): number | undefined {
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      '--input-type=module',
      '-e',
      IMPORT,
      file,
    ],
    { encoding: 'utf8', env: CLEAN_ENV },
  );
  const collected = /Collected : (\d+)/.exec(run.stderr ?? '')?.[1];
  return run.status === 0 && collected ? Number(collected) : undefined;
}

/** A floor bundle, with the esbuild settings of infra/lib/cairn-function.ts. */
async function buildFloor(entry: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: ESM_REQUIRE_SHIM },
    alias: { [SDK_CREDENTIAL_CHAIN]: `./${LAMBDA_CREDENTIALS}` },
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** One line per bundle: size, median load time, and the instructions of its import over an empty module's. */
function measure(what: string, file: string, emptyInstructions: number | undefined): number | undefined {
  const kb = statSync(file).size / 1024;
  const instructions = importInstructions(file);
  const own =
    instructions !== undefined && emptyInstructions !== undefined
      ? instructions - emptyInstructions
      : undefined;
  const counted = own === undefined ? '' : `, ${(own / 1e6).toFixed(0).padStart(4)} M instructions`;
  console.log(
    `bundles: ${what.padEnd(35)} ${kb.toFixed(0).padStart(5)} KB, loads in ${loadMs(file).toFixed(0).padStart(3)} ms${counted}`,
  );
  return own;
}

/** "+N% over its floor (name, M)" and whether that meets the goal; empty without counts. */
function shareOverFloor(own: number | undefined, floor: number | undefined, floorName: string): string {
  if (own === undefined || floor === undefined) return '';
  const share = (own - floor) / floor;
  const verdict = share <= SHARE_GOAL ? 'meets' : 'misses';
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(0)}% over its floor (${floorName}, ${(floor / 1e6).toFixed(0)} M): ${verdict} the ${SHARE_GOAL * 100}% goal`;
}

export async function functionBundles(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'cairn-bundles-'));
  const started = performance.now();
  const synthesized = await synthesize('dev', { bundle: true });
  try {
    console.log(
      `bundles: cdk synth of dev with bundling took ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `bundles: load time is the median of ${LOAD_RUNS} fresh processes; instructions (valgrind) are those of the import, over an empty module's`,
    );
    const empty = join(scratch, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');
    const emptyInstructions = importInstructions(empty);
    if (emptyInstructions === undefined) console.log('bundles: no valgrind here, so no instruction counts');
    for (const [what, entry] of FLOORS) measure(what, await buildFloor(entry, scratch), emptyInstructions);
    const floors = new Map<string, number | undefined>();
    for (const entry of new Set(Object.values(FUNCTION_FLOORS))) {
      const name = `floor: ${basename(entry, '.ts')}`;
      floors.set(entry, measure(name, await buildFloor(entry, scratch), emptyInstructions));
    }
    const bundles = bundlesOf(synthesized);
    for (const fn of BUNDLED) {
      const own = measure(fn, join(bundles.get(fn) ?? '', 'index.mjs'), emptyInstructions);
      const floor = FUNCTION_FLOORS[fn];
      const share = shareOverFloor(own, floors.get(floor), basename(floor, '.ts'));
      if (share) console.log(`bundles: ${fn} ${share}`);
    }
  } finally {
    removeOutput(synthesized);
    await rm(scratch, { recursive: true, force: true });
  }
}
