import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import * as z from 'zod';
import { digestOf } from '../../../functions/handlers/shared/compiled-digest.ts';
import { CompiledConfig, compiledConfigText } from '../../../functions/handlers/shared/compiled-schema.ts';
import { compileConfigFolder } from '../../../functions/handlers/shared/config.ts';

/** The compiled file's two parts. */
const CompiledFile = z.strictObject({ sha256: z.string(), configuration: z.unknown() });

/** A journeys folder with one journey that writes none of the fields that have defaults, removed after the test. */
function folderOfDefaults(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cairn-compiled-defaults-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'templates'));
  writeFileSync(
    join(folder, 'welcome.yaml'),
    'id: welcome\nname: Welcome\ntrigger:\n  event:\n    detail-type: [Signed Up]\nsteps:\n  - id: pause\n    type: wait\n    duration: PT1H\n',
  );
  return folder;
}

describe("the compiled configuration the functions take without zod's parse", () => {
  it.each([
    ['the samples', 'journeys', undefined],
    ['the samples for the eu environment', 'journeys', 'eu'],
    ['a journey that relies on every default', '', undefined],
  ])(
    'is what the schema gives for %s, and what a second parse gives again',
    async (_, folder, environment) => {
      // Prepare
      const compiled = await compileConfigFolder(folder || folderOfDefaults(), environment);

      // Act
      const written: unknown = JSON.parse(compiledConfigText(compiled));

      // Assess: a function reads `configuration` as it is; zod's parse would give the same value
      const { configuration, sha256 } = CompiledFile.parse(written);
      expect(CompiledConfig.parse(configuration)).toStrictEqual(configuration);
      expect(configuration).toStrictEqual(JSON.parse(JSON.stringify(CompiledConfig.parse(compiled))));
      expect(sha256).toBe(digestOf(configuration));
      if (!folder) expect(JSON.stringify(configuration)).toContain('"status":"draft"');
    },
  );
});
