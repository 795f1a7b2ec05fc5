// The function bundles as the CDK synth builds them: size, and module load time in a fresh Node process.
// Imported by bench/run.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';
import { CHUNKS_DIR, PHONE_LIBRARY_FILE } from '../functions/handlers/shared/bundle-layout.ts';
import { PROJECT_ROOT } from '../infra/lib/app.ts';
import { type HandlerName, handlerEntry } from '../infra/lib/cairn-function.ts';
import { functionBuildOptions } from '../infra/lib/function-bundle.ts';
import { BUNDLED, bundlesOf, removeOutput, synthesize } from '../test/infra/support.ts';
import { firstInvocationImports } from './first-invocation.ts';

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
/**
 * A cold start: the bundle's entry (the init), then the chunks its first invocation on its main path imports,
 * passed after it (bench/first-invocation.ts). What is loaded and evaluated at load, not the invocation's work.
 */
const IMPORT_FIRST_INVOCATION = `await import(process.argv[1]);
for (const chunk of process.argv.slice(2)) await import(chunk);`;
/**
 * A cold start whose first input carries a phone number: the import and the first invocation's chunks, then the
 * phone libraries, which a function requires from their own file on the first number it normalizes
 * (functions/handlers/shared/phone-library-lazy.ts). The file comes last in the arguments.
 */
const IMPORT_FIRST_INVOCATION_WITH_PHONE = `import { createRequire } from 'node:module';
const files = process.argv.slice(1);
const phoneLibrary = files.pop();
for (const file of files) await import(file);
createRequire(import.meta.url)(phoneLibrary);`;
/**
 * The bundle's entry, then every chunk it may load on first use (\`import()\`): all the code the function can
 * load, what a cold start's first invocation loads at most. Deferring code to a chunk saves a cold start nothing
 * when the first invocation loads it anyway; this count shows that, beside the import's.
 */
const IMPORT_EVERY_CHUNK = `import { readdirSync } from 'node:fs';
await import(process.argv[1]);
const chunks = process.argv[1].replace(/index\\.mjs$/, '${CHUNKS_DIR}/');
for (const file of readdirSync(chunks)) if (file.endsWith('.mjs')) await import(chunks + file);`;
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
 * V8's hash seed and random seed, fixed. Drawn at random in each process (as Lambda draws them), they made the same
 * bundle's count move by about 5% from process to process (ingest's cold start, three processes: 371, 388 and
 * 386 M); fixed, a count repeats to within 0.1 M, and seeds 1 to 4 gave 383.8, 383.4, 383.4 and 383.3 M
 * (docs/benchmarks.md, "Function bundles"). One seed for every process, the floors' and the functions' alike.
 */
const FIXED_SEEDS = ['--hash-seed=1', '--random-seed=1'];

/**
 * Instructions a fresh Node process executes to start and import `file`, counted by valgrind's callgrind:
 * unlike milliseconds, the count barely moves with what else the machine is doing. Undefined without valgrind.
 */
function importInstructions(
  file: string,
  script = IMPORT,
  chunks: readonly string[] = [],
): number | undefined {
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      ...FIXED_SEEDS,
      '--input-type=module',
      '-e',
      script,
      file,
      ...chunks,
    ],
    { encoding: 'utf8', env: CLEAN_ENV },
  );
  const collected = /Collected : (\d+)/.exec(run.stderr ?? '')?.[1];
  return run.status === 0 && collected ? Number(collected) : undefined;
}

/**
 * A floor bundle, built as the functions are (infra/lib/function-bundle.ts): an entry, and the SDK's own chunks;
 * with the chunks a first request would import (none: bench/first-invocation.ts).
 */
async function buildFloor(entry: string, scratch: string): Promise<Bundle> {
  const options = {
    ...functionBuildOptions(entry, join(scratch, basename(entry, '.ts')), PROJECT_ROOT),
    sourcemap: false,
  };
  await build(options);
  return {
    entry: join(String(options.outdir), 'index.mjs'),
    firstInvocation: await firstInvocationImports(options),
  };
}

/** A function's bundle as the synth built it, with the chunks its first invocation imports. */
async function functionBundle(fn: HandlerName, dir: string): Promise<Bundle> {
  const firstInvocation = await firstInvocationImports(
    functionBuildOptions(handlerEntry(fn), dir, PROJECT_ROOT),
  );
  return { entry: join(dir, 'index.mjs'), firstInvocation };
}

/** The size of the bundle's entry and of all its chunks, in KB. */
function chunksKb(entry: string): number {
  const chunks = entry.replace(/index\.mjs$/, CHUNKS_DIR);
  if (!existsSync(chunks)) return 0;
  const files = readdirSync(chunks).filter((file) => file.endsWith('.mjs'));
  return files.reduce((kb, file) => kb + statSync(join(chunks, file)).size / 1024, 0);
}

/** Instructions of `script` importing `file`, over those of importing an empty module. */
function ownInstructions(
  file: string,
  emptyInstructions: number | undefined,
  script = IMPORT,
  chunks: readonly string[] = [],
): number | undefined {
  const instructions = importInstructions(file, script, chunks);
  return instructions !== undefined && emptyInstructions !== undefined
    ? instructions - emptyInstructions
    : undefined;
}

function millions(instructions: number | undefined): string {
  return instructions === undefined ? '' : `${(instructions / 1e6).toFixed(0).padStart(4)} M instructions`;
}

/** A bundle's entry, and the chunks its first invocation imports after it. */
type Bundle = { entry: string; firstInvocation: string[] };
/** Instructions over an empty module's: the import; the import and the first invocation's chunks; every chunk. */
type Loaded = { imported?: number; firstInvocation?: number; everyChunk?: number; withPhone?: number };

/**
 * One line per bundle: the size of its entry, median load time, and the instructions of its import over an
 * empty module's; for a split bundle, also the size of its chunks and the instructions with the chunks of its
 * first invocation, then with every chunk, loaded.
 */
function measure(
  what: string,
  { entry, firstInvocation }: Bundle,
  emptyInstructions: number | undefined,
): Loaded {
  const kb = statSync(entry).size / 1024;
  const imported = ownInstructions(entry, emptyInstructions);
  const counted = imported === undefined ? '' : `, ${millions(imported)}`;
  console.log(
    `bundles: ${what.padEnd(35)} ${kb.toFixed(0).padStart(5)} KB, loads in ${loadMs(entry).toFixed(0).padStart(3)} ms${counted}`,
  );
  const chunks = chunksKb(entry);
  if (chunks === 0) return { imported, firstInvocation: imported, everyChunk: imported };
  const first =
    firstInvocation.length === 0
      ? imported
      : ownInstructions(entry, emptyInstructions, IMPORT_FIRST_INVOCATION, firstInvocation);
  const everyChunk = ownInstructions(entry, emptyInstructions, IMPORT_EVERY_CHUNK);
  const names = firstInvocation.map((file) => basename(file)).join(', ') || 'none';
  console.log(
    `bundles: ${`${what}, chunks`.padEnd(35)} ${chunks.toFixed(0).padStart(5)} KB, ${millions(first)} with the first invocation's (${names}), ${millions(everyChunk)} with every chunk loaded`,
  );
  const phoneLibrary = join(dirname(entry), PHONE_LIBRARY_FILE);
  if (!existsSync(phoneLibrary)) return { imported, firstInvocation: first, everyChunk };
  const withPhone = ownInstructions(entry, emptyInstructions, IMPORT_FIRST_INVOCATION_WITH_PHONE, [
    ...firstInvocation,
    phoneLibrary,
  ]);
  console.log(
    `bundles: ${`${what}, phone library`.padEnd(35)} ${(statSync(phoneLibrary).size / 1024).toFixed(0).padStart(5)} KB, ${millions(withPhone)} with the first invocation's chunks and it (a first input with a phone number)`,
  );
  return { imported, firstInvocation: first, everyChunk, withPhone };
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
    const floors = new Map<string, Loaded>();
    for (const entry of new Set(Object.values(FUNCTION_FLOORS))) {
      const name = `floor: ${basename(entry, '.ts')}`;
      floors.set(entry, measure(name, await buildFloor(entry, scratch), emptyInstructions));
    }
    const bundles = bundlesOf(synthesized);
    for (const fn of BUNDLED) {
      const loaded = measure(fn, await functionBundle(fn, bundles.get(fn) ?? ''), emptyInstructions);
      const floor = FUNCTION_FLOORS[fn];
      const name = basename(floor, '.ts');
      const floorLoaded = floors.get(floor);
      const share = shareOverFloor(loaded.imported, floorLoaded?.imported, name);
      if (share) console.log(`bundles: ${fn} at import ${share}`);
      // The goal's measure: a cold start, the import and what the first invocation loads, on both sides.
      const cold = shareOverFloor(
        loaded.firstInvocation,
        floorLoaded?.firstInvocation,
        `${name}, first request`,
      );
      if (cold) console.log(`bundles: ${fn} cold start ${cold}`);
      // What a first input with a phone number pays on top: the phone libraries, required from their own file.
      const phone = shareOverFloor(loaded.withPhone, floorLoaded?.firstInvocation, `${name}, first request`);
      if (phone) console.log(`bundles: ${fn} cold start with a phone number ${phone}`);
      // Against the floor with its chunks too: the SDK's own import() (event streams, ...) are chunks in both.
      const whole = shareOverFloor(loaded.everyChunk, floorLoaded?.everyChunk, `${name} with its chunks`);
      if (whole) console.log(`bundles: ${fn} with every chunk ${whole}`);
    }
  } finally {
    removeOutput(synthesized);
    await rm(scratch, { recursive: true, force: true });
  }
}
