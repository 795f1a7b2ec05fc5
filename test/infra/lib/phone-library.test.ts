import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CHUNKS_DIR, PHONE_LIBRARY_FILE } from '../../../functions/handlers/shared/bundle-layout.ts';
import { PROJECT_ROOT } from '../../../infra/lib/app.ts';
import {
  functionBuildOptions,
  lazyLibraryBuildOptions,
  PHONE_LIBRARY,
} from '../../../infra/lib/function-bundle.ts';
import { printedAfterImport } from '../lazy-library.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cairn-phone-library-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Builds `fixture` as a function is built, with the phone library beside it; the bundle's folder. */
async function bundle(fixture: string): Promise<string> {
  const outdir = join(scratch, fixture);
  await build(functionBuildOptions(`test/infra/lib/fixtures/${fixture}.ts`, outdir, PROJECT_ROOT));
  await build(lazyLibraryBuildOptions(PHONE_LIBRARY, outdir, PROJECT_ROOT));
  return outdir;
}

const Observed = z.object({
  loadedAtImport: z.boolean(),
  phone: z.string().nullable(),
  timezone: z.string().nullable(),
  loadedAfterCall: z.boolean(),
});

/**
 * Imports the bundle in a fresh Node process, then normalizes a UK mobile number with it: whether the phone
 * library was required at the import and after the call, and what the call gave.
 */
function observe(outdir: string, inChunk: boolean): z.infer<typeof Observed> {
  const body = `const loadedAtImport = loaded();
const lib = ${inChunk ? 'await entry.addresses()' : 'entry'};
const phone = lib.normalizePhone('+44 7911 123456') ?? null;
const timezone = phone === null ? null : (lib.phoneTimezone(phone) ?? null);
console.log(JSON.stringify({ loadedAtImport, phone, timezone, loadedAfterCall: loaded() }));`;
  return Observed.parse(printedAfterImport(outdir, PHONE_LIBRARY_FILE, body));
}

describe('the phone libraries in a function bundle', () => {
  it.each([
    ['phone-in-entry', false],
    ['phone-in-chunk', true],
  ])(
    'are required from their own file on the first number normalized, not at the import (%s)',
    async (fixture, inChunk) => {
      // Prepare
      const outdir = await bundle(fixture);

      // Act
      const observed = observe(outdir, inChunk);

      // Assess
      expect(observed).toEqual({
        loadedAtImport: false,
        phone: '+447911123456',
        timezone: 'Europe/London',
        loadedAfterCall: true,
      });
      // The bundle's own code holds neither library: only the file beside it does.
      const code = [join(outdir, 'index.mjs'), ...chunkFiles(outdir)].map((file) =>
        readFileSync(file, 'utf8'),
      );
      expect(code.join('\n')).not.toMatch(/libphonenumber|countries-and-timezones|metadata\.min/);
      expect(readFileSync(join(outdir, PHONE_LIBRARY_FILE), 'utf8')).toMatch(/libphonenumber-js/);
    },
  );
});

function chunkFiles(outdir: string): string[] {
  const chunks = join(outdir, CHUNKS_DIR);
  return existsSync(chunks)
    ? readdirSync(chunks)
        .filter((file) => file.endsWith('.mjs'))
        .map((file) => join(chunks, file))
    : [];
}
