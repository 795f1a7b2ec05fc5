import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerEntry } from '../../../functions/cli/simulate/worker-bundle.ts';

describe('the worker bundle of cairn simulate --workers', () => {
  it('is one prebuilt ES module in node_modules/.cache/cairn, named by its hash and found again', async () => {
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
});
