// What a function's cold start loads, read from esbuild's metafile: the bundle's entry, then the chunks its first
// invocation on its main path imports. Imported by bench/bundles.ts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';

/**
 * The SDK's own `import()`s that no request of Cairn's clients makes: the event-stream serde (operations with
 * event streams: Cairn calls none) and bowser (parses a browser's user agent; Node has its own provider).
 * test/bench/first-invocation.test.ts holds that a first request of each client loads neither.
 */
export const NOT_ON_A_REQUEST_PATH: readonly RegExp[] = [
  /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//,
  /node_modules\/bowser\//,
];

type Output = Metafile['outputs'][string];

function outputOf(outputs: Metafile['outputs'], path: string): Output {
  const output = outputs[path];
  if (!output) throw new Error(`esbuild's metafile names ${path} as imported but lists no such output`);
  return output;
}

/**
 * The chunks, in the order they are imported, that a first invocation loads with `import()` beyond the entry's
 * static imports: every `import()` of the bundle (the handler's wiring; the segment scan's S3 command and state
 * scan: each handler makes all of its own on its first invocation) but the SDK's that no request makes, with
 * what those chunks import in turn. Built with `options`, the options the bundle in `options.outdir` was built
 * with, so the chunks' names (content hashes) are the same; a bundle built otherwise is an error, not a guess.
 * Node's own modules imported lazily (`node:http` for an http endpoint, `node:async_hooks` in Lambda) are not
 * chunks and are left out, on both sides of a share.
 */
export async function firstInvocationImports(options: BuildOptions): Promise<string[]> {
  const root = options.absWorkingDir ?? process.cwd();
  const { metafile } = await build({ ...options, metafile: true, write: false });
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => path.endsWith('/index.mjs'));
  if (!entry) throw new Error(`no index.mjs among the outputs of ${String(options.outdir)}`);
  const seen = new Set([entry]);
  const queue = [entry];
  const imported: string[] = [];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    for (const { path: target, kind, external } of outputOf(outputs, path).imports) {
      if (external || seen.has(target)) continue;
      const lazy = kind === 'dynamic-import';
      const source = outputOf(outputs, target).entryPoint ?? '';
      if (lazy && NOT_ON_A_REQUEST_PATH.some((pattern) => pattern.test(source))) continue;
      seen.add(target);
      queue.push(target);
      if (lazy) imported.push(resolve(root, target));
    }
  }
  const missing = imported.find((file) => !existsSync(file));
  if (missing)
    throw new Error(`${missing}: a chunk of the rebuild is not in the bundle; was it built otherwise?`);
  return imported;
}
