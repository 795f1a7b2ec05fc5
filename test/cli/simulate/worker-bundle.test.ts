import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../../functions/cli/main.ts';
import { bundledModule } from '../../../functions/cli/simulate/bundle-module.mjs';
import { workerEntry } from '../../../functions/cli/simulate/worker-bundle.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';
import { memoryIo, tempDir } from '../support.ts';

describe('the bundles of cairn simulate', () => {
  it('the worker runs one prebuilt ES module in node_modules/.cache/cairn, named by its hash and found again', async () => {
    // Act
    const first = await workerEntry();
    const second = await workerEntry();

    // Assess: plain JavaScript with the sources inlined (no TypeScript to register tsx for), packages imported.
    expect(first.href).toBe(second.href);
    expect(first.pathname).toMatch(/\/node_modules\/\.cache\/cairn\/worker-[0-9a-f]{16}\.mjs$/);
    const code = readFileSync(fileURLToPath(first), 'utf8');
    expect(code).not.toMatch(/from ["'][^"']*\.ts["']/);
    expect(code).toMatch(/from ["']zod["']/);
    expect(code).toContain('the worker could not load what the command loaded');
  }, 60_000);

  it("keeps each source's own import.meta.url in the bundle, so the command finds the worker's sources from it", async () => {
    // Act
    const cli = await bundledModule(new URL('../../../functions/cli/main.ts', import.meta.url), 'cli');

    // Assess: the sources' import.meta.url is their own file's, not the bundle's in node_modules/.cache.
    expect(cli?.pathname).toMatch(/\/node_modules\/\.cache\/cairn\/cli-[0-9a-f]{16}\.mjs$/);
    const code = readFileSync(fileURLToPath(cli ?? new URL('file:///missing')), 'utf8');
    const ownUrl = new URL('../../../functions/cli/simulate/worker-bundle.ts', import.meta.url).href;
    expect(code).toContain(`new URL("./worker-thread.ts", ${JSON.stringify(ownUrl)})`);
    expect(code).not.toMatch(/new URL\([^)]*import\.meta\.url\)/);
  }, 60_000);

  it('bin/cairn.mjs simulate runs the bundled CLI without tsx and writes what the command run in process writes', async () => {
    // Prepare
    const dir = await tempDir();
    const events = join(dir, 'events.ndjson');
    const lines = [...generateEvents({ users: 30, days: 10, seed: 5, start: '2026-09-01' })];
    await writeFile(events, `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const inProcess = join(dir, 'in-process.json');
    const bundled = join(dir, 'bundled.json');
    const { io } = memoryIo();
    await main(['simulate', '--events', events, '--workers', '2', '--out', inProcess], io);

    // Act: registering tsx turns Node's source maps on (its loader runs on a thread of its own); the process
    // says at exit whether they are.
    const { stdout, stderr } = await promisify(execFile)(
      'node',
      [
        '--import',
        'data:text/javascript,process.on("exit",()=>process.stderr.write("source maps "+process.sourceMapsEnabled))',
        'bin/cairn.mjs',
        'simulate',
        '--events',
        events,
        '--workers',
        '2',
        '--out',
        bundled,
      ],
      { env: { ...process.env } },
    );

    // Assess
    expect(stdout).toContain(`Wrote ${bundled}`);
    expect(stderr).toContain('source maps false');
    expect(await readFile(bundled, 'utf8')).toBe(await readFile(inProcess, 'utf8'));
  }, 120_000);
});
