import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { validateCommand } from '../../functions/cli/commands/validate.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import { ConfigError, runtimeConfigFromText } from '../../functions/handlers/shared/compiled-config.ts';
import { type CompiledConfig, compiledConfigText } from '../../functions/handlers/shared/compiled-schema.ts';
import { compileConfigFolder } from '../../functions/handlers/shared/config.ts';

/**
 * What ships in the bundles of the functions that load journeys: the folder compiled into one JSON file
 * (functions/handlers/shared/compiled-config.ts), written under the project root so the bundler can copy it.
 */
export type ShippedConfig = {
  /** The journeys folder it was compiled from (absolute). */
  source: string;
  /** The compiled file (absolute), named by its content: synths of one folder running at once write one file. */
  file: string;
  compiled: CompiledConfig;
};

/** Where synth writes compiled configurations: ignored by git, under the root the bundler sees. */
export const BUILD_DIR = '.cairn-build';

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
 * names, lifecycle.yaml, policies.yaml), compiles it with the deployment's policy environment, and loads the result as a function's cold
 * start will, so a folder that would stop the functions stops the synth instead. Returns what ships.
 */
export async function validateConfigFolder(
  folder: string,
  policyEnvironment: string | undefined,
  defaultTimezone: string,
  projectRoot: string,
): Promise<ShippedConfig> {
  const reported: string[] = [];
  const io: CliIo = {
    stdout: () => {},
    stderr: (line) => reported.push(line),
    readFile: (path) => readFile(path, 'utf8'),
  };
  if ((await validateCommand([folder, '--quiet'], io)) !== 0)
    throw new JourneyValidationError(folder, reported);
  let compiled: CompiledConfig;
  try {
    compiled = await compileConfigFolder(folder, policyEnvironment);
  } catch (error) {
    // The first line of a ConfigError counts the problems; the others are the problems themselves.
    if (error instanceof ConfigError)
      throw new JourneyValidationError(folder, error.message.split('\n').slice(1));
    throw error;
  }
  // zod's output with its digest: the functions take it as it is, checked by the digest (compiled-file.ts).
  const text = compiledConfigText(compiled);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const directory = join(projectRoot, BUILD_DIR);
  const file = join(directory, `cairn-config-${hash}.json`);
  // What a cold start will make of the file: a configuration the runtime cannot load stops the synth.
  runtimeConfigFromText(file, text, policyEnvironment, defaultTimezone);
  await mkdir(directory, { recursive: true });
  // Written aside and renamed, so that a synth running at the same time never reads half a file.
  const partial = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(partial, text);
  await rename(partial, file);
  return { source: resolve(folder), file, compiled };
}
