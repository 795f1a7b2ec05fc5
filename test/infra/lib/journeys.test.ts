import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readCampaignFiles } from '../../../functions/adapters/files/campaign-files.ts';
import { readJourneyFiles } from '../../../functions/adapters/files/journey-files.ts';
import { loadPolicies } from '../../../functions/core/policies/policy-file.ts';
import { addCairn, PROJECT_ROOT } from '../../../infra/lib/app.ts';
import { BUILD_DIR, JourneyValidationError, validateConfigFolder } from '../../../infra/lib/journeys.ts';

const run = promisify(execFile);

/** The validator's own message for the misspelt key, exactly as `npx cairn validate` prints it. */
const MISSPELT_KEY_PROBLEM =
  'test/fixtures/journeys/broken/misspelt-key.yaml:10:5 steps[0].tempalte: unknown key "tempalte"; did you mean "template"?';

async function rejection(promise: Promise<unknown>): Promise<JourneyValidationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JourneyValidationError) return error;
    throw error;
  }
  throw new Error('expected a JourneyValidationError');
}

describe('validateConfigFolder', () => {
  it('compiles the journeys, the settings beside them and the templates into one file under the build folder', async () => {
    // Prepare
    const { files: journeyFiles } = await readJourneyFiles([join(PROJECT_ROOT, 'journeys')]);
    // Campaigns (journeys/campaigns/) ship compiled to journeys, beside the journey files.
    const campaignFiles = await readCampaignFiles(join(PROJECT_ROOT, 'journeys'));
    const templates = readdirSync(join(PROJECT_ROOT, 'journeys', 'templates'));
    const policies = loadPolicies(
      'journeys/policies.yaml',
      readFileSync(join(PROJECT_ROOT, 'journeys', 'policies.yaml'), 'utf8'),
      'eu',
    ).policies;

    // Act
    const shipped = await validateConfigFolder('journeys', 'eu', 'UTC', PROJECT_ROOT);

    // Assess
    expect(shipped.source).toBe(join(PROJECT_ROOT, 'journeys'));
    expect(dirname(shipped.file)).toBe(join(PROJECT_ROOT, BUILD_DIR));
    expect(JSON.parse(readFileSync(shipped.file, 'utf8')).configuration).toEqual(shipped.compiled);
    expect(shipped.compiled.environment).toBe('eu');
    expect(shipped.compiled.journeys).toHaveLength(journeyFiles.length + campaignFiles.length);
    expect(shipped.compiled.templates.map((t) => t.id).sort()).toEqual(
      templates.map((name) => name.replace(/\.yaml$/, '')).sort(),
    );
    expect(shipped.compiled.policies).toEqual(policies);
    expect(shipped.compiled.lifecycle).not.toBeNull();
  });

  it('names the file by its content: the same folder gives the same file, another environment another', async () => {
    // Act
    const [first, again, other] = await Promise.all([
      validateConfigFolder('journeys', undefined, 'UTC', PROJECT_ROOT),
      validateConfigFolder('journeys', undefined, 'UTC', PROJECT_ROOT),
      validateConfigFolder('journeys', 'us', 'UTC', PROJECT_ROOT),
    ]);

    // Assess
    expect(again.file).toBe(first.file);
    expect(other.file).not.toBe(first.file);
    expect(JSON.parse(readFileSync(first.file, 'utf8')).configuration).toEqual(first.compiled);
  });

  it("loads the settings with the deployment's policy environment: an unknown one stops the synth", async () => {
    // Prepare
    // The problem is placed at the first entry under `environments:`, where a name would be added.
    const lines = readFileSync(join(PROJECT_ROOT, 'journeys', 'policies.yaml'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('environments:'));
    const entry = lines.findIndex((l, i) => i > start && /^\s+[a-z]/.test(l));
    const position = `${entry + 1}:${(lines[entry]?.search(/\S/) ?? 0) + 1}`;

    // Act
    const error = await rejection(validateConfigFolder('journeys', 'mars', 'UTC', PROJECT_ROOT));

    // Assess
    expect(error.problems).toContain(
      `journeys/policies.yaml:${position} environments: no environment "mars"; expected one of eu, us`,
    );
  });
});

describe('addCairn with a broken journey', () => {
  it("stops before any stack exists, with the validator's file:line:column message", async () => {
    // Prepare
    const app = new App();

    // Act
    const error = await rejection(
      addCairn({ app, env: 'dev', overrides: {}, configFolder: 'test/fixtures/journeys/broken' }),
    );

    // Assess
    expect(error.problems).toContain(MISSPELT_KEY_PROBLEM);
    expect(error.message).toContain('cdk synth stopped: test/fixtures/journeys/broken does not validate');
    expect(app.node.children.filter((c) => c instanceof Stack)).toEqual([]);
  });

  it('makes the CDK app exit with status 1 and the message on stderr, as `cdk synth` runs it', async () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'cairn-broken-cli-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const environment = {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ env: 'dev', journeys: 'test/fixtures/journeys/broken' }),
    };

    // Act
    const failure = await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['infra/bin/cairn.ts'], {
      cwd: PROJECT_ROOT,
      env: environment,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toMatchObject({ code: 1 });
    expect(failure).toHaveProperty('stderr', expect.stringContaining(MISSPELT_KEY_PROBLEM));
    expect(readdirSync(outdir)).toEqual([]);
  });
});
