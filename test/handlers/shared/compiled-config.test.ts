import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { PathSegment } from '../../../functions/core/diagnostics/problem.ts';
import { readCompiledConfig, runtimeConfigOf } from '../../../functions/handlers/shared/compiled-config.ts';
import { COMPILED_CONFIG_FILE } from '../../../functions/handlers/shared/compiled-file.ts';
import {
  type CompiledConfig,
  compiledConfigText,
} from '../../../functions/handlers/shared/compiled-schema.ts';
import { compileConfigFolder, loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

/** A folder holding `text` as the compiled configuration, removed after the test. */
function folderWith(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'cairn-compiled-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, COMPILED_CONFIG_FILE), text);
  return folder;
}

/** Every path in a plain value, the value's own included. */
function pathsIn(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  const children: [PathSegment, unknown][] = Array.isArray(value)
    ? value.map((item, i): [PathSegment, unknown] => [i, item])
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  return [path, ...children.flatMap(([key, item]) => pathsIn(item, [...path, key]))];
}

describe('the configuration compiled at synth', () => {
  it('loads through JSON into what the journeys folder loads into', async () => {
    // Prepare
    const compiled = await compileConfigFolder('journeys', 'eu');
    const folder = folderWith(compiledConfigText(compiled));

    // Act
    const fromFile = await readCompiledConfig(folder, 'eu', 'Europe/Paris');
    const fromFolder = await loadRuntimeConfig('journeys', 'eu', 'Europe/Paris');

    // Assess
    // Same content hashes: enrollments pinned to a version deployed from YAML find it again.
    const versions = (config: typeof fromFile) =>
      [...config.catalog.latest()].map(({ id, version, journey }) => ({ id, version, journey }));
    expect(versions(fromFile)).toEqual(versions(fromFolder));
    // The 11 journey files and the campaign of journeys/campaigns/, compiled to its journey.
    expect(versions(fromFile)).toHaveLength(12);
    // The segments travel too, so that the functions evaluate what cairn validate checked.
    expect(fromFile.catalog.segmentDefinitions).toEqual(fromFolder.catalog.segmentDefinitions);
    expect(fromFile.catalog.segmentDefinitions.map((s) => s.id).sort()).toEqual([
      'frequent-buyers',
      'recent-buyers',
      'vip',
    ]);
    expect(fromFile.policies).toEqual(fromFolder.policies);
    expect(fromFile.lifecycle?.config).toEqual(fromFolder.lifecycle?.config);
    expect(fromFile.lifecycle?.bgnbd).toEqual(fromFolder.lifecycle?.bgnbd);
    expect(fromFile.lifecycle?.thresholds).toEqual(fromFolder.lifecycle?.thresholds);
    expect([...fromFile.templates.keys()].sort()).toEqual([...fromFolder.templates.keys()].sort());
    expect(fromFile.defaultTimezone).toBe('Europe/Paris');
  });

  it('keeps the line and column of every value of every template, for render errors', async () => {
    // Prepare
    const compiled: CompiledConfig = JSON.parse(
      JSON.stringify(await compileConfigFolder('journeys', undefined)),
    );
    const original = await loadRuntimeConfig('journeys', undefined, 'UTC');

    // Act
    const { templates } = runtimeConfigOf(compiled, 'UTC');

    // Assess
    expect(templates.size).toBeGreaterThan(0);
    for (const [id, template] of templates) {
      const source = original.templates.get(id)?.source;
      for (const path of pathsIn(source?.value)) {
        expect(template.source.positionOf(path), `${id} ${path.join('.')}`).toEqual(source?.positionOf(path));
      }
      // A path the file does not have is placed at its nearest ancestor, as the YAML reader places it.
      const missing = ['email', 'no-such-part'];
      expect(template.source.positionOf(missing)).toEqual(source?.positionOf(missing));
      expect(template.text).toBe(original.templates.get(id)?.text);
    }
  });

  it('refuses a file compiled for another policy environment, and says what to do', async () => {
    // Prepare
    const folder = folderWith(compiledConfigText(await compileConfigFolder('journeys', 'eu')));

    // Act
    const loading = readCompiledConfig(folder, 'us', 'UTC');

    // Assess
    await expect(loading).rejects.toThrow(
      /compiled for policy environment "eu", but CAIRN_ENVIRONMENT is "us"; synthesize and deploy again/,
    );
  });

  it('refuses a file changed after synth, naming it and what to do', async () => {
    // Prepare: a hand edit that the schema would accept, and one it would not
    const text = compiledConfigText(await compileConfigFolder('journeys', undefined));
    const renamed = folderWith(text.replace('"name":"Cart abandonment"', '"name":"Cart abandoned"'));
    const broken = folderWith(text.replace(/"steps":\[/, '"steps":"none","was":['));

    // Act: settled together, so that neither refusal is left without a handler while the other is awaited
    const loadings = await Promise.allSettled(
      [renamed, broken].map((folder) => readCompiledConfig(folder, undefined, 'UTC')),
    );

    // Assess
    expect(text).toContain('"name":"Cart abandonment"');
    for (const [i, folder] of [renamed, broken].entries()) {
      const loading = loadings[i];
      expect(loading?.status).toBe('rejected');
      expect(loading?.status === 'rejected' ? String(loading.reason) : '').toContain(
        `${join(folder, COMPILED_CONFIG_FILE)} is not the configuration \`cdk synth\` wrote: its content does not match its sha256`,
      );
    }
  });

  it('refuses a file of another format, saying to synthesize again', async () => {
    // Prepare: the format before the digest, the configuration itself at the top
    const compiled = await compileConfigFolder('journeys', undefined);
    const folder = folderWith(JSON.stringify({ ...compiled, format: 1 }));

    // Act
    const loading = readCompiledConfig(folder, undefined, 'UTC');

    // Assess
    await expect(loading).rejects.toThrow(
      /cairn-config.json is not a configuration this version compiles \(format unknown, this version reads 2\); synthesize again/,
    );
  });

  it('names the folder and how to get a compiled file when there is none', async () => {
    // Act
    const loading = readCompiledConfig('journeys', undefined, 'UTC');

    // Assess
    await expect(loading).rejects.toThrow(
      /journeys\/cairn-config.json cannot be read \(CAIRN_CONFIG_DIR=journeys\).*cdk synth/,
    );
  });

  it('says a file that is not JSON is not JSON', async () => {
    // Act
    const loading = readCompiledConfig(folderWith('{"format": 1,'), undefined, 'UTC');

    // Assess
    await expect(loading).rejects.toThrow(/cairn-config.json is not JSON; synthesize again/);
  });
});
