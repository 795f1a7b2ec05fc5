import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ILocalBundling } from 'aws-cdk-lib';
import { type BuildOptions, buildSync } from 'esbuild';
import {
  CHUNKS_DIR,
  MATHS_LIBRARY_FILE,
  PHONE_LIBRARY_FILE,
} from '../../functions/handlers/shared/bundle-layout.ts';
import { COMPILED_CONFIG_FILE } from '../../functions/handlers/shared/compiled-file.ts';
import type { ShippedConfig } from './journeys.ts';

/** Where the configuration folder lands in the deployment package (Lambda unpacks it to /var/task). */
export const BUNDLED_CONFIG_DIR = 'journeys';

/**
 * esbuild's ESM output cannot call `require`, and some dependencies are CommonJS that require Node built-ins;
 * this gives each file of the bundle a real `require` (the usual ESM recipe for Lambda).
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as cairnCreateRequire } from 'node:module'; const require = cairnCreateRequire(import.meta.url);";

/**
 * The SDK's default credential chain, and what replaces it in the bundles: the same first link, the credentials
 * Lambda puts in the environment, without the others (functions/handlers/shared/lambda-credentials.ts).
 */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = 'functions/handlers/shared/lambda-credentials.ts';

/**
 * A library bundled apart as CommonJS, `file` beside a function's `index.mjs` (built from `entry`), and required on
 * first use: each of its `packages` is aliased in a function's code to a module of the same functions that
 * requires the file when first called (`lazyModule` holds them). A function ships the file only when its bundle
 * keeps some of `lazyModule`.
 */
export type LazyLibrary = {
  readonly packages: Readonly<Record<string, string>>;
  readonly lazyModule: string;
  readonly entry: string;
  readonly file: string;
};

/** The phone libraries (phone-library-lazy.ts): required on the first phone number normalized. */
export const PHONE_LIBRARY: LazyLibrary = {
  packages: {
    'libphonenumber-js': 'functions/handlers/shared/phone-library-lazy.ts',
    'countries-and-timezones': 'functions/handlers/shared/phone-library-lazy.ts',
  },
  lazyModule: 'functions/handlers/shared/phone-library-lazy.ts',
  entry: 'functions/handlers/shared/phone-library.ts',
  file: PHONE_LIBRARY_FILE,
};

/** stdlib's gammaln and hyp2f1 (maths-library-lazy.ts): required on the lifecycle model's first call of them. */
export const MATHS_LIBRARY: LazyLibrary = {
  packages: {
    '@stdlib/math-base-special-gammaln': 'functions/handlers/shared/stdlib-gammaln.ts',
    '@stdlib/math-base-special-hyp2f1': 'functions/handlers/shared/stdlib-hyp2f1.ts',
  },
  lazyModule: 'functions/handlers/shared/maths-library-lazy.ts',
  entry: 'functions/handlers/shared/maths-library.ts',
  file: MATHS_LIBRARY_FILE,
};

export const LAZY_LIBRARIES: readonly LazyLibrary[] = [PHONE_LIBRARY, MATHS_LIBRARY];

/**
 * How every Cairn function is bundled, and the floors of `npm run bench -- bundles` with it: ESM for Node 22,
 * the AWS SDK inside (the code runs on the SDK version it was tested with), `module` before `main` so ESM builds
 * of dependencies are chosen, minified but for names, with source maps beside. Split: what a
 * handler loads with `import()` (its wiring, code only some inputs reach) is a chunk of its own under
 * `chunks/`, read on first use rather than at the cold start's import; code shared by the entry and a chunk is
 * a chunk too, so nothing is loaded twice.
 */
export function functionBuildOptions(entry: string, outdir: string, projectRoot: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    absWorkingDir: projectRoot,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    // Whitespace and syntax minified, names kept: a stack trace in the logs names Cairn's functions without
    // Node's --enable-source-maps, which parses every map at load (ingest's import: 63 M instructions more on
    // Node 22, docs/benchmarks.md). Minifying names too would save 11 M more.
    minifyWhitespace: true,
    minifySyntax: true,
    // Shipped to map a trace by hand; they point at the sources by path, and leaving their text out keeps
    // the package small.
    sourcemap: true,
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_SHIM },
    // Lambda's credentials are in the environment; the SDK's chain for every other place is left out.
    // The phone libraries and stdlib's special functions are required from files of their own on first use,
    // not loaded at the cold start.
    alias: {
      [SDK_CREDENTIAL_CHAIN]: `./${LAMBDA_CREDENTIALS}`,
      ...Object.fromEntries(
        LAZY_LIBRARIES.flatMap(({ packages }) =>
          Object.entries(packages).map(([name, module]) => [name, `./${module}`]),
        ),
      ),
    },
    logLevel: 'warning',
  };
}

/**
 * `library` as CommonJS, its file beside the `index.mjs` in `outdir`: a function's code requires it on first use
 * (functionBuildOptions aliases its packages).
 */
export function lazyLibraryBuildOptions(
  library: LazyLibrary,
  outdir: string,
  projectRoot: string,
): BuildOptions {
  return {
    entryPoints: [library.entry],
    outfile: join(outdir, library.file),
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    mainFields: ['module', 'main'],
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  };
}

/**
 * Bundles a function on this machine with esbuild (a development dependency), and copies the compiled
 * configuration beside it for the functions that load journeys. CDK's NodejsFunction cannot split a bundle
 * (it always passes esbuild one output file), hence this. There is no Docker fallback: a failed build throws
 * esbuild's message naming the file and line.
 */
export class LocalFunctionBundling implements ILocalBundling {
  // Plain strings only: CDK keys its asset cache on these fields, and walks them as JSON.
  private readonly shippedFile: string | undefined;

  constructor(
    private readonly entry: string,
    private readonly projectRoot: string,
    shipped: ShippedConfig | undefined,
  ) {
    this.shippedFile = shipped?.file;
  }

  tryBundle(outputDir: string): boolean {
    const { metafile } = buildSync({
      ...functionBuildOptions(this.entry, outputDir, this.projectRoot),
      metafile: true,
    });
    // Only a function whose code calls a lazy library ships it (the phone libraries where phone numbers are
    // normalized, stdlib where the lifecycle model runs): one whose bundle kept some of the module that requires
    // it (a module imported but not called is left out of the output).
    const outputs = Object.values(metafile?.outputs ?? {});
    for (const library of LAZY_LIBRARIES)
      if (outputs.some((output) => (output.inputs[library.lazyModule]?.bytesInOutput ?? 0) > 0))
        buildSync(lazyLibraryBuildOptions(library, outputDir, this.projectRoot));
    if (this.shippedFile) {
      const target = join(outputDir, BUNDLED_CONFIG_DIR);
      mkdirSync(target, { recursive: true });
      copyFileSync(this.shippedFile, join(target, COMPILED_CONFIG_FILE));
    }
    return true;
  }
}
