import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/lib/app.ts';

const run = promisify(execFile);
const CDK = join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const outputs: string[] = [];
afterAll(() => {
  for (const dir of outputs) rmSync(dir, { recursive: true, force: true });
});

/**
 * `npx cdk synth -c env=...` exactly as an ops engineer runs it, through the pinned CDK CLI and cdk.json, with
 * no AWS credentials and a home folder of its own (no profile, no cached settings).
 */
async function cdkSynth(env: string) {
  const out = mkdtempSync(join(tmpdir(), `cairn-cli-${env}-`));
  outputs.push(out);
  const result = await run(process.execPath, [CDK, 'synth', '-c', `env=${env}`, '-q', '-o', out], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: out },
  }).then(
    (r) => ({ code: 0, ...r }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
  return { ...result, out };
}

describe('npx cdk synth, offline, per environment', () => {
  it.each(['dev', 'staging', 'prod'])(
    'synthesizes %s with its bundles',
    async (env) => {
      // Act
      const { code, stderr, out } = await cdkSynth(env);

      // Assess
      expect(stderr).not.toMatch(/error/i);
      expect(code).toBe(0);
      expect(existsSync(join(out, `cairn-${env}-stateful.template.json`))).toBe(true);
      expect(existsSync(join(out, `cairn-${env}-stateless.template.json`))).toBe(true);
    },
    180_000,
  );

  it('refuses an unknown environment and names the known ones', async () => {
    // Act
    const { code, stderr } = await cdkSynth('qa');

    // Assess
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/qa/);
    expect(stderr).toMatch(/dev.*staging.*prod/s);
  }, 180_000);
});
