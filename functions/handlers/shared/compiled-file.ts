import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord } from '../../core/collections/is-record.ts';
import { COMPILED_FORMAT, digestOf } from './compiled-digest.ts';
import type { CompiledConfig } from './compiled-schema.ts';

/**
 * The configuration a function runs with, compiled at synth from the journeys folder
 * (functions/handlers/shared/config.ts): what the YAML files said, validated and parsed by zod, as JSON with its
 * digest. A cold start then reads one JSON file, checked by its digest (`trustedCompiled`), instead of every
 * YAML file with source positions, and the bundles leave the YAML parser and the configuration's schemas out (docs/runtime.md, "What ships with the functions").
 */
export const COMPILED_CONFIG_FILE = 'cairn-config.json';

/** The compiled file in `folder` (CAIRN_CONFIG_DIR), or an error saying how the functions get one. */
export async function readCompiledFile(folder: string): Promise<{ file: string; text: string }> {
  const file = join(folder, COMPILED_CONFIG_FILE);
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (error) {
    throw new Error(
      `${file} cannot be read (CAIRN_CONFIG_DIR=${folder}). The functions run the configuration that \`cdk synth\` compiles from journeys/ into their bundle; deploy with the CDK app (docs/deploy.md).`,
      { cause: error },
    );
  }
}

/**
 * `text`, the content of the compiled `file`, taken as the compiler wrote it: the functions do not parse the
 * configuration again with its zod schemas (the compiler wrote zod's output, compiled-schema.ts), they check that
 * it is that output unchanged, by its digest. A file that is not JSON, is of another format, was changed after
 * synth, or was compiled for another environment than `environment` (CAIRN_ENVIRONMENT) is an error naming the
 * file, what is wrong and what to do.
 */
export function trustedCompiled(file: string, text: string, environment: string | undefined): CompiledConfig {
  const { sha256, configuration } = fileParts(file, parseJson(file, text));
  if (!isTheCompilersOutput(configuration, sha256))
    throw new Error(
      `${file} is not the configuration \`cdk synth\` wrote: its content does not match its sha256 (changed by hand or truncated?). The functions run only what the compiler validated; synthesize again rather than edit it.`,
    );
  const compiledFor = configuration.environment ?? undefined;
  if (compiledFor !== environment) {
    throw new Error(
      `${file} was compiled for policy environment ${describe(compiledFor)}, but CAIRN_ENVIRONMENT is ${describe(environment)}; synthesize and deploy again.`,
    );
  }
  return configuration;
}

/** The digest and the configuration of a compiled file of this format, or an error saying to synthesize again. */
function fileParts(file: string, value: unknown): { sha256: string; configuration: object } {
  const sha256 = isRecord(value) ? value.sha256 : undefined;
  const configuration = isRecord(value) ? value.configuration : undefined;
  const format = isRecord(configuration) ? configuration.format : undefined;
  if (typeof sha256 !== 'string' || !isRecord(configuration) || format !== COMPILED_FORMAT)
    throw new Error(
      `${file} is not a configuration this version compiles (format ${String(format ?? 'unknown')}, this version reads ${COMPILED_FORMAT}); synthesize again.`,
    );
  return { sha256, configuration };
}

/**
 * The compiler's output, unchanged: its canonical text has the digest the compiler wrote beside it. The
 * compiler validated it with `CompiledConfig` (compiled-schema.ts), so it is one.
 */
function isTheCompilersOutput(configuration: object, sha256: string): configuration is CompiledConfig {
  return digestOf(configuration) === sha256;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON; synthesize again`, { cause: error });
  }
}

function describe(environment: string | undefined): string {
  return environment === undefined ? '(none: the base values)' : `"${environment}"`;
}
