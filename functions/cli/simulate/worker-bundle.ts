import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A real `require` in the bundle, for the packages the sources load with it (liquidjs, on the first render):
 * esbuild's ESM output otherwise throws on `require` (the recipe of infra/lib/function-bundle.ts).
 */
const REQUIRE_SHIM =
  "import { createRequire as cairnCreateRequire } from 'node:module'; const require = cairnCreateRequire(import.meta.url);";

/** The worker thread's entry as TypeScript, run through tsx (worker-thread.mjs registers it). */
const TSX_ENTRY = new URL('./worker-thread.mjs', import.meta.url);
/**
 * Where built workers are kept: inside the project's node_modules, so that the bundle's imports of packages
 * (left out of it) resolve as the sources' do.
 */
const CACHE = new URL('../../../node_modules/.cache/cairn/', import.meta.url);

/**
 * The code a worker thread of `cairn simulate --workers N` runs: the worker's TypeScript (worker-thread.ts and
 * everything it imports but packages) bundled by esbuild into one ES module, written under
 * node_modules/.cache/cairn/ named by the hash of its text (a changed source makes a new file; an unchanged
 * one is built again, in about half a second, and found). Without it each worker registered tsx and compiled
 * the sources itself, which cost memory in each worker (docs/benchmarks.md, "A 1,000,000-event simulation").
 * When esbuild or the folder is not available, the worker runs the TypeScript through tsx as before.
 */
export async function workerEntry(): Promise<URL> {
  try {
    // Loaded only when workers are wanted: a development dependency, and tsx's own.
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./worker-thread.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      banner: { js: REQUIRE_SHIM },
      write: false,
      logLevel: 'silent',
    });
    const text = built.outputFiles?.[0]?.text;
    if (text === undefined) return TSX_ENTRY;
    const file = new URL(`worker-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`, CACHE);
    if (!existsSync(file)) {
      mkdirSync(CACHE, { recursive: true });
      // Written whole under another name first: a simulation started beside this one never reads half a file.
      const partial = new URL(`${file.href}.${process.pid}.partial`);
      writeFileSync(partial, text);
      renameSync(partial, file);
    }
    return file;
  } catch {
    return TSX_ENTRY;
  }
}
