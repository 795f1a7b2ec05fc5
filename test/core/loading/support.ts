import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';

/** An ESM resolve hook that writes down every module it resolves, for imports the CJS cache never sees. */
const RECORD_RESOLVED = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.RESOLVED_LOG, resolved.url + '\\n');
  return resolved;
}`;

/**
 * Runs `script` in a fresh Node process (tsx, as the CLI runs) and returns which of `watched` (parts of a path:
 * `/node_modules/liquidjs/`, `functions/handlers/ingest/wiring.ts`) were loaded by the end, as ESM imports or
 * CommonJS requires: a bundle's cold start pays only for those.
 */
export function loadedAfter(script: string, watched: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-lazy-'));
  try {
    const log = join(dir, 'resolved.log');
    writeFileSync(log, '');
    const hooks = pathToFileURL(join(dir, 'hooks.mjs')).href;
    writeFileSync(join(dir, 'hooks.mjs'), RECORD_RESOLVED);
    const probe = `import { register, createRequire } from 'node:module';
register(${JSON.stringify(hooks)});
${script}
console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      encoding: 'utf8',
      env: { ...process.env, RESOLVED_LOG: log },
    });
    const required: unknown = JSON.parse(out.trim().split('\n').at(-1) ?? '[]');
    const paths = [
      ...(Array.isArray(required) ? required.map(String) : []),
      ...readFileSync(log, 'utf8').split('\n'),
    ];
    return watched.filter((name) => paths.some((path) => path.includes(name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `script` in a fresh process (tsx), then tells, for each watched schema (its module and exported name),
 * whether it was built: zod keeps a lazy schema's built inner schema on its definition (`_cachedInner`), and a
 * schema that is not lazy was built at its module's import.
 */
export function schemasBuiltAfter(
  script: string,
  watched: readonly (readonly [file: string, name: string])[],
): Record<string, boolean> {
  const probe = `${script}
const built = {};
for (const [file, name] of ${JSON.stringify(watched)}) {
  const schema = (await import('./' + file))[name];
  built[name] = schema._zod.def.type !== 'lazy' || schema._zod.def._cachedInner !== undefined;
}
console.log(JSON.stringify(built));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    encoding: 'utf8',
  });
  return z.record(z.string(), z.boolean()).parse(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
}

/** The watched schemas (by exported name) that `fn`'s handler module and its wiring build at their import. */
export function builtAtImport(
  fn: string,
  watched: readonly (readonly [file: string, name: string])[],
): string[] {
  const script = `await import('./functions/handlers/${fn}/index.ts');
await import('./functions/handlers/${fn}/wiring.ts');`;
  const built = schemasBuiltAfter(script, watched);
  if (Object.keys(built).length !== watched.length)
    throw new Error(`the probe named ${Object.keys(built).length} schemas`);
  return Object.entries(built)
    .filter(([, done]) => done)
    .map(([name]) => name);
}

/**
 * An ESM load hook that makes zod call `globalThis.__zodConstructed(schema)` for each schema it constructs: a
 * line put first in `init`, which every zod class runs for its instances (zod/v4/core/core.js). A zod without
 * that function is an error, so that the probe cannot go quiet.
 */
const COUNT_CONSTRUCTED = `export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (!/\\/node_modules\\/zod\\/v4\\/core\\/core\\.js$/.test(url)) return loaded;
  const source = String(loaded.source);
  const marked = source.replace('function init(inst, def) {', 'function init(inst, def) { globalThis.__zodConstructed?.(inst, def);');
  if (marked === source) throw new Error('zod/v4/core/core.js has no init(inst, def) to watch');
  return { ...loaded, source: marked };
}`;

/**
 * Runs `script` in a fresh process (tsx) and returns, for each Cairn module that constructed zod schemas other
 * than `z.lazy` wrappers while it ran, how many: the module of the first Cairn frame on the stack of each
 * construction. A lazy schema's wrapper costs next to nothing; what it wraps is built on its first parse.
 */
export function schemasConstructedBy(script: string): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-zod-'));
  try {
    const hooks = pathToFileURL(join(dir, 'hooks.mjs')).href;
    writeFileSync(join(dir, 'hooks.mjs'), COUNT_CONSTRUCTED);
    const probe = `import { register } from 'node:module';
register(${JSON.stringify(hooks)});
const counted = new WeakSet();
const byModule = {};
globalThis.__zodConstructed = (schema, def) => {
  if (counted.has(schema)) return;
  counted.add(schema);
  if (def?.type === 'lazy') return;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const module = /\\/(functions\\/[^:)]+\\.ts)/.exec(stack)?.[1] ?? 'outside functions/';
  byModule[module] = (byModule[module] ?? 0) + 1;
};
${script}
console.log(JSON.stringify(byModule));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      encoding: 'utf8',
    });
    return z.record(z.string(), z.number()).parse(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
