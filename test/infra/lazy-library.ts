import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What a bundle built in `outdir` prints when `body` runs after importing its `index.mjs` (as `entry`) in a fresh
 * Node process, where `loaded()` tells whether the bundle required `file` (a lazy library beside it) so far.
 */
export function printedAfterImport(outdir: string, file: string, body: string): unknown {
  const script = `import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.endsWith(${JSON.stringify(file)}));
const entry = await import(process.argv[1]);
${body}`;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, join(outdir, 'index.mjs')],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out);
}
