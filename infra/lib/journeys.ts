import { access, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { readJourneyFiles } from '../../functions/adapters/files/journey-files.ts';
import { readTemplateFiles } from '../../functions/adapters/files/template-files.ts';
import { validateCommand } from '../../functions/cli/commands/validate.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import { ConfigError, loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';

/**
 * The folder that ships in the bundles (an absolute path) and which of its files, relative to it: only what the
 * runtime reads.
 */
export type ShippedConfig = { folder: string; files: string[] };

/** The settings files the runtime reads beside the journeys (functions/handlers/shared/config.ts). */
const SETTINGS_FILES = ['lifecycle.yaml', 'policies.yaml'];

/** Journeys, templates or settings with problems: synth stops with the validator's own messages. */
export class JourneyValidationError extends Error {
  readonly problems: readonly string[];

  constructor(folder: string, problems: readonly string[]) {
    super(`cdk synth stopped: ${folder} does not validate:\n${problems.join('\n')}`);
    this.name = 'JourneyValidationError';
    this.problems = problems;
  }
}

/**
 * Validates the configuration folder as `cairn validate` does (journeys, templates, every template a send step
 * names), then loads it exactly as a function's cold start will, with the deployment's policy environment, so
 * a folder that would stop the functions stops the synth instead. Returns the files to ship.
 */
export async function validateConfigFolder(
  folder: string,
  policyEnvironment: string | undefined,
  defaultTimezone: string,
): Promise<ShippedConfig> {
  const reported: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (line) => reported.push(line),
    readFile: (path) => readFile(path, 'utf8'),
  };
  if ((await validateCommand([folder, '--quiet'], io)) !== 0)
    throw new JourneyValidationError(folder, reported);
  try {
    await loadRuntimeConfig(folder, policyEnvironment, defaultTimezone);
  } catch (error) {
    // The first line of a ConfigError counts the problems; the others are the problems themselves.
    if (error instanceof ConfigError)
      throw new JourneyValidationError(folder, error.message.split('\n').slice(1));
    throw error;
  }
  return { folder: resolve(folder), files: await shippedFiles(folder) };
}

/** The journey files, the settings beside them and the templates; never tests/, events/ or schema.json. */
async function shippedFiles(folder: string): Promise<string[]> {
  const { files: journeys } = await readJourneyFiles([folder]);
  const settings: string[] = [];
  for (const name of SETTINGS_FILES) {
    if (await exists(join(folder, name))) settings.push(name);
  }
  const templates = await readTemplateFiles(join(folder, 'templates'));
  return [
    ...journeys.map(({ file }) => relative(folder, file)),
    ...settings,
    ...templates.map(({ file }) => relative(folder, file)),
  ];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
