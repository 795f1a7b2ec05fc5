// Plain JavaScript, not TypeScript: bin/cairn.mjs loads it before (and instead of) registering tsx, whose loader
// runs on a thread of its own with its own heap (docs/benchmarks.md, "A 1,000,000-event simulation").
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A real `require` in the bundle, for the packages the sources load with it (liquidjs, on the first render):
 * esbuild's ESM output otherwise throws on `require` (the recipe of infra/lib/function-bundle.ts).
 */
const REQUIRE_SHIM =
  "import { createRequire as cairnCreateRequire } from 'node:module'; const require = cairnCreateRequire(import.meta.url);";

/**
 * Where built modules are kept: inside the project's node_modules, so that the bundle's imports of packages
 * (left out of it) resolve as the sources' do.
 */
const CACHE = new URL('../../../node_modules/.cache/cairn/', import.meta.url);

/**
 * The TypeScript module `source` and everything it imports but packages, bundled by esbuild into one ES module,
 * written under node_modules/.cache/cairn/ as `<name>-<sha256 of its text>.mjs` (a changed source makes a new
 * file; an unchanged one is built again, in about half a second, and found). A thread that runs it needs no tsx:
 * no loader thread, no compiled sources and source maps in its heap. Each source file's `import.meta.url` stays
 * its own URL, so that what a source finds beside itself is found from the bundle too. Undefined when esbuild
 * or the folder is not available: the caller then runs the TypeScript through tsx.
 * @param {URL} source
 * @param {string} name
 * @returns {Promise<URL | undefined>}
 */
export async function bundledModule(source, name) {
  try {
    // Loaded only when a bundle is wanted: a development dependency, and tsx's own.
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      entryPoints: [fileURLToPath(source)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      banner: { js: REQUIRE_SHIM },
      plugins: [
        {
          name: 'own-import-meta-url',
          setup: (build) =>
            build.onLoad({ filter: /\.(ts|mjs)$/ }, async ({ path }) => {
              // esbuild's own define: the expression is replaced where it is code, not where a string quotes it.
              const own = await esbuild.transform(await readFile(path, 'utf8'), {
                loader: path.endsWith('.ts') ? 'ts' : 'js',
                define: { 'import.meta.url': JSON.stringify(pathToFileURL(path).href) },
              });
              return { contents: own.code, loader: 'js' };
            }),
        },
      ],
      write: false,
      logLevel: 'silent',
    });
    const text = built.outputFiles?.[0]?.text;
    if (text === undefined) return undefined;
    const file = new URL(
      `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`,
      CACHE,
    );
    if (!existsSync(file)) {
      mkdirSync(CACHE, { recursive: true });
      // Written whole under another name first: a simulation started beside this one never reads half a file.
      const partial = new URL(`${file.href}.${process.pid}.partial`);
      writeFileSync(partial, text);
      renameSync(partial, file);
    }
    return file;
  } catch {
    return undefined;
  }
}
