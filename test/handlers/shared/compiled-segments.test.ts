import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SegmentCatalog } from '../../../functions/core/segments/evaluate.ts';
import { readCompiledConfig } from '../../../functions/handlers/shared/compiled-config.ts';
import { COMPILED_CONFIG_FILE } from '../../../functions/handlers/shared/compiled-file.ts';
import {
  type CompiledConfig,
  compiledConfigText,
} from '../../../functions/handlers/shared/compiled-schema.ts';
import { readCompiledSegments } from '../../../functions/handlers/shared/compiled-segments.ts';
import { compileConfigFolder } from '../../../functions/handlers/shared/config.ts';

/** A folder holding `value` as the compiled configuration, removed after the test. */
function folderWith(value: CompiledConfig): string {
  const folder = mkdtempSync(join(tmpdir(), 'cairn-compiled-segments-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, COMPILED_CONFIG_FILE), compiledConfigText(value));
  return folder;
}

/** What a catalog evaluates with, without its compiled closures. */
function evaluated(catalog: SegmentCatalog) {
  return {
    definitions: catalog.definitions,
    ordered: catalog.ordered.map((s) => s.id),
    history: catalog.history.map(({ key, keep, windowsMs }) => ({ key, keep, windowsMs })),
    historyConditions: catalog.historyConditions,
    time: catalog.time,
  };
}

/** A history condition written in a journey's branch: its counter is the catalog's too. */
const VIEWS_IN_A_BRANCH = {
  name: 'browsing',
  when: { history: { event: { 'detail-type': ['Product Viewed'] }, within: 'P3D', atLeast: 2 } },
  next: 'resend',
};

describe("the segment scan's part of the compiled configuration", () => {
  it('reads the segments and the lifecycle the whole configuration reads, journeys left unparsed', async () => {
    // Prepare
    const compiled = await compileConfigFolder('journeys', 'eu');
    const journeys = compiled.journeys.map((journey) => ({
      ...journey,
      steps: journey.steps.map((step) =>
        step.type === 'branch' ? { ...step, branches: [...step.branches, VIEWS_IN_A_BRANCH] } : step,
      ),
    }));
    const folder = folderWith({ ...compiled, journeys });

    // Act
    const part = await readCompiledSegments(folder, 'eu');
    const whole = await readCompiledConfig(folder, 'eu', 'UTC');

    // Assess
    expect(evaluated(part.segments)).toEqual(evaluated(whole.catalog.segments));
    // The history condition written in the journeys has its counter too.
    expect(part.segments.history.map((h) => h.windowsMs)).toContainEqual([3 * 86_400_000]);
    expect(part.segments.definitions.map((s) => s.id).sort()).toEqual([
      'frequent-buyers',
      'recent-buyers',
      'vip',
    ]);
    expect(part.lifecycle?.config).toEqual(whole.lifecycle?.config);
    expect(part.lifecycle?.bgnbd).toEqual(whole.lifecycle?.bgnbd);
    expect(part.lifecycle?.thresholds).toEqual(whole.lifecycle?.thresholds);
  });

  it('refuses a file compiled for another policy environment, as the whole reader does', async () => {
    // Prepare
    const folder = folderWith(await compileConfigFolder('journeys', 'eu'));

    // Act
    const loading = readCompiledSegments(folder, 'us');

    // Assess
    await expect(loading).rejects.toThrow(
      /compiled for policy environment "eu", but CAIRN_ENVIRONMENT is "us"; synthesize and deploy again/,
    );
  });

  it('refuses a file changed after synth, as the whole reader does', async () => {
    // Prepare
    const folder = folderWith(await compileConfigFolder('journeys', undefined));
    const file = join(folder, COMPILED_CONFIG_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"id":"vip"', '"id":"vips"'));

    // Act
    const loading = readCompiledSegments(folder, undefined);

    // Assess
    await expect(loading).rejects.toThrow(`${file} is not the configuration \`cdk synth\` wrote`);
  });
});
