import { bundledModule } from './bundle-module.mjs';

/** The worker thread's entry as TypeScript, run through tsx (worker-thread.mjs registers it). */
const TSX_ENTRY = new URL('./worker-thread.mjs', import.meta.url);

/**
 * The code a worker thread of `cairn simulate --workers N` runs: worker-thread.ts bundled into one ES module
 * (bundle-module.mjs). Without it each worker registered tsx and compiled the sources itself, which cost memory
 * in each worker (docs/benchmarks.md, "A 1,000,000-event simulation"). When esbuild or the cache folder is not
 * available, the worker runs the TypeScript through tsx.
 */
export async function workerEntry(): Promise<URL> {
  return (await bundledModule(new URL('./worker-thread.ts', import.meta.url), 'worker')) ?? TSX_ENTRY;
}
