import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCampaignFiles } from '../../../functions/adapters/files/campaign-files.ts';
import { readJourneyFiles } from '../../../functions/adapters/files/journey-files.ts';
import {
  CHUNKS_DIR,
  MATHS_LIBRARY_FILE,
  PHONE_LIBRARY_FILE,
} from '../../../functions/handlers/shared/bundle-layout.ts';
import { readCompiledConfig } from '../../../functions/handlers/shared/compiled-config.ts';
import { COMPILED_CONFIG_FILE } from '../../../functions/handlers/shared/compiled-file.ts';
import { PROJECT_ROOT } from '../../../infra/lib/app.ts';
import type { HandlerName } from '../../../infra/lib/cairn-function.ts';
import { BUNDLED_CONFIG_DIR } from '../../../infra/lib/function-bundle.ts';
import { BUNDLED, bundlesOf, removeOutput, type Synthesized, synthesize } from '../support.ts';

const run = promisify(execFile);

/** The functions whose catalog reads the journey registry: the engine's, and the runs' (a paused journey's run is skipped). */
const LOADS_JOURNEYS: HandlerName[] = ['ingest', 'timers', 'deliver', 'calls', 'runs'];
/** The segment scan reads the segments and the lifecycle of the same configuration, but no journey registry. */
const SHIPS_CONFIG: HandlerName[] = [...LOADS_JOURNEYS, 'segments'];

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/** The code of a bundle's entry and of every chunk it may load, one after the other. */
function everyFileOf(bundle: string): string {
  return filesUnder(bundle)
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => readFileSync(join(bundle, file), 'utf8'))
    .join('\n');
}

describe('the function bundles, built by the synth', () => {
  let synthesized: Synthesized;
  let bundleOf: Map<HandlerName, string>;
  beforeAll(async () => {
    synthesized = await synthesize('staging', { bundle: true });
    bundleOf = bundlesOf(synthesized);
  }, 120_000);
  afterAll(() => removeOutput(synthesized));

  it('is an ESM entry and the chunks it loads on first use, each with its source map, the AWS SDK inside', () => {
    for (const fn of BUNDLED) {
      // Prepare
      const bundle = bundleOf.get(fn) ?? '';

      // Act
      const chunks = filesUnder(join(bundle, CHUNKS_DIR)).filter((file) => file.endsWith('.mjs'));
      const code = [join(bundle, 'index.mjs'), ...chunks.map((file) => join(bundle, CHUNKS_DIR, file))]
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');

      // Assess
      expect(existsSync(join(bundle, 'index.mjs.map'))).toBe(true);
      for (const chunk of chunks) expect(existsSync(join(bundle, CHUNKS_DIR, `${chunk}.map`))).toBe(true);
      expect(code).toMatch(/@aws-sdk\/client-(sqs|dynamodb)/);
      expect(readFileSync(join(bundle, 'index.mjs'), 'utf8')).toMatch(/\bexport\s*\{/);
      // The wiring, with the AWS clients, is a chunk read on the first invocation.
      expect(chunks.some((file) => file.startsWith('wiring-'))).toBe(true);
      // Names are kept, so a stack trace names the function without source maps at run time.
      expect(code).toMatch(
        /function (ingestHandler|timersHandler|deliverHandler|feedbackHandler|unsubscribeHandler|callsHandler|importHandler|segmentScanHandler|runsHandler)\(/,
      );
    }
  });

  it('ships the compiled configuration, and only it, with the functions that load journeys', () => {
    // Prepare
    const compiled = readFileSync(synthesized.shipped.file, 'utf8');

    // Assess
    for (const fn of BUNDLED) {
      const folder = join(bundleOf.get(fn) ?? '', BUNDLED_CONFIG_DIR);
      if (SHIPS_CONFIG.includes(fn)) {
        expect(filesUnder(folder)).toEqual([COMPILED_CONFIG_FILE]);
        expect(readFileSync(join(folder, COMPILED_CONFIG_FILE), 'utf8')).toBe(compiled);
      } else expect(existsSync(folder)).toBe(false);
    }
  });

  it('ships a configuration that loads as at a cold start, with the environment of the deployment', async () => {
    // Prepare
    const folder = join(bundleOf.get('deliver') ?? '', BUNDLED_CONFIG_DIR);
    const { files: journeyFiles } = await readJourneyFiles([join(PROJECT_ROOT, 'journeys')]);
    // Campaigns (journeys/campaigns/) ship compiled to journeys, beside the journey files.
    const campaignFiles = await readCampaignFiles(join(PROJECT_ROOT, 'journeys'));
    const templates = readdirSync(join(PROJECT_ROOT, 'journeys', 'templates'));

    // Act
    const config = await readCompiledConfig(
      folder,
      synthesized.config.policyEnvironment,
      synthesized.config.defaultTimezone,
    );

    // Assess
    expect([...config.catalog.latest()]).toHaveLength(journeyFiles.length + campaignFiles.length);
    expect(config.templates.size).toBe(templates.length);
    expect(config.lifecycle).toBeDefined();
  });

  it('leaves the YAML parser and every credential source but the environment out of the bundles', () => {
    for (const fn of BUNDLED) {
      // Act
      const code = everyFileOf(bundleOf.get(fn) ?? '');

      // Assess
      // Each of these strings is in the code of what is left out, and nowhere else.
      expect(code).not.toContain('defaultProvider::fromSSO');
      expect(code).not.toContain('EC2 Instance Metadata');
      expect(code).not.toContain('YAMLParseError');
      expect(code).toContain('no AWS credentials in the environment');
    }
  });

  it('bundles the template engine in deliver and calls alone, and the journey registry in the functions that load journeys', () => {
    for (const fn of BUNDLED) {
      // Act
      const code = everyFileOf(bundleOf.get(fn) ?? '');

      // Assess: liquidjs's error class, and an error of the registry adapter (adapters/dynamodb/journey-registry.ts)
      expect([fn, code.includes('LiquidError')]).toEqual([fn, fn === 'deliver' || fn === 'calls']);
      expect([fn, code.includes('not an item this version of Cairn knows')]).toEqual([
        fn,
        LOADS_JOURNEYS.includes(fn),
      ]);
    }
  });

  it('ships the phone libraries apart, beside the functions whose code normalizes phone numbers', async () => {
    for (const fn of BUNDLED) {
      // Prepare
      const bundle = bundleOf.get(fn) ?? '';
      const code = everyFileOf(bundle);
      const phoneLibrary = join(bundle, PHONE_LIBRARY_FILE);

      // Act
      const { stdout } = existsSync(phoneLibrary)
        ? await run(
            process.execPath,
            [
              '-e',
              'console.log(require(process.argv[1]).parsePhoneNumberFromString("+447911123456").country)',
              phoneLibrary,
            ],
            { env: { PATH: process.env.PATH ?? '' } },
          )
        : { stdout: '' };

      // Assess
      // The file is there exactly when the code requires it, and the libraries are in it, not in the code.
      expect([fn, existsSync(phoneLibrary)]).toEqual([fn, code.includes(PHONE_LIBRARY_FILE)]);
      expect([fn, code.includes('libphonenumber-js')]).toEqual([fn, false]);
      // The same answer as the library the tests and the CLI import.
      const country = parsePhoneNumberFromString('+447911123456')?.country;
      if (existsSync(phoneLibrary)) expect([fn, stdout.trim()]).toEqual([fn, country]);
    }
    // The engine's functions normalize the phone numbers events carry, and feedback those it suppresses.
    expect(existsSync(join(bundleOf.get('ingest') ?? '', PHONE_LIBRARY_FILE))).toBe(true);
    expect(existsSync(join(bundleOf.get('feedback') ?? '', PHONE_LIBRARY_FILE))).toBe(true);
  });

  it("ships stdlib's special functions apart, beside the functions whose code runs the lifecycle model", () => {
    for (const fn of BUNDLED) {
      // Prepare
      const bundle = bundleOf.get(fn) ?? '';

      // Act
      const code = everyFileOf(bundle);

      // Assess: the file is there exactly when the code requires it, and stdlib is in it, not in the code
      expect([fn, existsSync(join(bundle, MATHS_LIBRARY_FILE))]).toEqual([
        fn,
        code.includes(MATHS_LIBRARY_FILE),
      ]);
      expect([fn, code.includes('@stdlib/')]).toEqual([fn, false]);
    }
    // The engine evaluates the lifecycle model on every input, and the segment scan on every customer.
    expect(existsSync(join(bundleOf.get('ingest') ?? '', MATHS_LIBRARY_FILE))).toBe(true);
    expect(existsSync(join(bundleOf.get('segments') ?? '', MATHS_LIBRARY_FILE))).toBe(true);
  });

  it('loads in a fresh Node process and exports the handler, without calling AWS', async () => {
    for (const fn of BUNDLED) {
      // Act
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'const m = await import(process.argv[1]); console.log(typeof m.handler);',
          join(bundleOf.get(fn) ?? '', 'index.mjs'),
        ],
        { env: { PATH: process.env.PATH ?? '' } },
      );

      // Assess
      expect(stdout.trim()).toBe('function');
    }
  });

  it('loads every chunk a function may load on first use, in a fresh Node process', async () => {
    for (const fn of BUNDLED) {
      // Prepare
      const chunks = join(bundleOf.get(fn) ?? '', CHUNKS_DIR);
      const files = filesUnder(chunks).filter((file) => file.endsWith('.mjs'));

      // Act
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'for (const file of process.argv.slice(1)) await import(file); console.log(process.argv.length - 1);',
          ...files.map((file) => join(chunks, file)),
        ],
        { env: { PATH: process.env.PATH ?? '' } },
      );

      // Assess
      expect([fn, Number(stdout.trim())]).toEqual([fn, files.length]);
    }
  });
});
