import { MATHS_LIBRARY_FILE } from './bundle-layout.ts';
import type * as MathsLibrary from './maths-library.ts';
import { requireBesideBundle } from './require-beside-bundle.ts';

// What the function bundles call in place of stdlib's gammaln and hyp2f1 (esbuild aliases,
// infra/lib/function-bundle.ts, through stdlib-gammaln.ts and stdlib-hyp2f1.ts): the same functions, required
// from their own CommonJS file beside index.mjs on their first call. Synchronous, as the lifecycle model is.
// The model calls them only to fit (the CLI) and where its series form does not serve (functions/core/lifecycle/
// bgnbd.ts, eulerForm), so a cold start no longer evaluates stdlib's module tree at its import (about 30 M
// instructions of ingest's, docs/benchmarks.md). The CLI, the simulator and the tests import stdlib itself.

let library: typeof MathsLibrary | undefined;

function mathsLibrary(): typeof MathsLibrary {
  library ??= requireBesideBundle<typeof MathsLibrary>(import.meta.url, MATHS_LIBRARY_FILE);
  return library;
}

export function gammaln(x: number): number {
  return mathsLibrary().gammaln(x);
}

export function hyp2f1(a: number, b: number, c: number, x: number): number {
  return mathsLibrary().hyp2f1(a, b, c, x);
}
