import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { expectedPurchases } from '../../../functions/core/lifecycle/bgnbd.ts';
import { MATHS_LIBRARY_FILE } from '../../../functions/handlers/shared/bundle-layout.ts';
import { PROJECT_ROOT } from '../../../infra/lib/app.ts';
import {
  functionBuildOptions,
  lazyLibraryBuildOptions,
  MATHS_LIBRARY,
} from '../../../infra/lib/function-bundle.ts';
import { printedAfterImport } from '../lazy-library.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cairn-maths-library-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PARAMS = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
const CUSTOMER = { x: 2, tx: 30, T: 38 };
/** A short horizon, which the model's series form serves, and a long one (z > 0.9), which takes stdlib's 2F1. */
const SHORT = 1;
const LONG = 1000;

const Observed = z.object({
  loadedAtImport: z.boolean(),
  short: z.number(),
  loadedAfterShort: z.boolean(),
  long: z.number(),
  loadedAfterLong: z.boolean(),
});

/** Imports the bundle in a fresh process, predicts over the short then the long horizon: what loaded when. */
function observe(outdir: string): z.infer<typeof Observed> {
  const body = `const { expectedPurchases } = entry;
const params = ${JSON.stringify(PARAMS)};
const customer = ${JSON.stringify(CUSTOMER)};
const loadedAtImport = loaded();
const short = expectedPurchases(params, customer, ${SHORT});
const loadedAfterShort = loaded();
const long = expectedPurchases(params, customer, ${LONG});
console.log(JSON.stringify({ loadedAtImport, short, loadedAfterShort, long, loadedAfterLong: loaded() }));`;
  return Observed.parse(printedAfterImport(outdir, MATHS_LIBRARY_FILE, body));
}

describe("stdlib's special functions in a function bundle", () => {
  it('are required from their own file on the first call that needs them, with the same answers', async () => {
    // Prepare
    const outdir = join(scratch, 'maths-in-entry');
    await build(functionBuildOptions('test/infra/lib/fixtures/maths-in-entry.ts', outdir, PROJECT_ROOT));
    await build(lazyLibraryBuildOptions(MATHS_LIBRARY, outdir, PROJECT_ROOT));

    // Act
    const observed = observe(outdir);

    // Assess
    expect(observed).toEqual({
      loadedAtImport: false,
      short: expectedPurchases(PARAMS, CUSTOMER, SHORT),
      loadedAfterShort: false,
      long: expectedPurchases(PARAMS, CUSTOMER, LONG),
      loadedAfterLong: true,
    });
    // The bundle's code holds no stdlib module: only the file beside it does.
    expect(readFileSync(join(outdir, 'index.mjs'), 'utf8')).not.toMatch(/@stdlib|hyp2f1\.js/);
    expect(readFileSync(join(outdir, MATHS_LIBRARY_FILE), 'utf8')).toMatch(
      /@stdlib\/math-base-special-hyp2f1/,
    );
  });
});
