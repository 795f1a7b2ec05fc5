// The function bundles as the CDK synth builds them: size, and module load time in a fresh Node process.
// Imported by bench/run.ts.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_SHIM, LAMBDA_CREDENTIALS, SDK_CREDENTIAL_CHAIN } from '../infra/lib/cairn-function.ts';
import { bundlesOf, FUNCTIONS, removeOutput, synthesize } from '../test/infra/support.ts';

const LOAD_RUNS = 11;

/** Bundles of the stack alone, built as the functions are, to show what a function cannot load faster than. */
const FLOORS = [
  ['SDK clients', 'bench/floors/sdk.ts'],
  ['SDK + zod + middy + Powertools', 'bench/floors/stack.ts'],
] as const;

/** Milliseconds from the start of `import()` to the module being evaluated, in a new process each time. */
function loadMs(file: string): number {
  const script =
    'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';
  const runs: number[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    runs.push(Number(out.trim()));
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)] ?? Number.NaN;
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

export async function functionBundles(): Promise<void> {
  const floors = await mkdtemp(join(tmpdir(), 'cairn-floors-'));
  try {
    for (const [what, entry] of FLOORS) {
      const file = await buildFloor(entry, floors);
      console.log(
        `bundles: floor: ${what.padEnd(31)} ${(statSync(file).size / 1024).toFixed(0).padStart(5)} KB, loads in ${loadMs(file).toFixed(0)} ms`,
      );
    }
  } finally {
    await rm(floors, { recursive: true, force: true });
  }
  const started = performance.now();
  const synthesized = await synthesize('dev', { bundle: true });
  try {
    console.log(
      `bundles: cdk synth of dev with bundling took ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const bundles = bundlesOf(synthesized);
    for (const fn of FUNCTIONS) {
      const file = join(bundles.get(fn) ?? '', 'index.mjs');
      const kb = statSync(file).size / 1024;
      console.log(
        `bundles: ${fn.padEnd(11)} ${kb.toFixed(0).padStart(5)} KB, loads in ${loadMs(file).toFixed(0)} ms (median of ${LOAD_RUNS} fresh processes)`,
      );
    }
  } finally {
    removeOutput(synthesized);
  }
}
