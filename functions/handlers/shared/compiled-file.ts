import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as z from 'zod';
import { formatPath, type PathSegment } from '../../core/diagnostics/problem.ts';

/**
 * The configuration a function runs with, compiled at synth from the journeys folder
 * (functions/handlers/shared/config.ts): what the YAML files said, already validated, as JSON. A cold start
 * then parses one JSON file with the zod schemas instead of every YAML file with source positions, and the
 * bundles leave the YAML parser out (docs/runtime.md, "What ships with the functions").
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

/** What every reader of the compiled file checks: its format, and the policy environment it was compiled for. */
type CompiledHeader = { format: 1; environment: string | null };

/**
 * `text`, the content of the compiled `file`, parsed with `schema` (the whole configuration, or the part a
 * function reads): a file that is not JSON, does not match, or was compiled for another environment than
 * `environment` (CAIRN_ENVIRONMENT) is an error naming the file, the place and what to do.
 */
export function parseCompiled<Schema extends z.ZodType<CompiledHeader>>(
  schema: Schema,
  file: string,
  text: string,
  environment: string | undefined,
): z.infer<Schema> {
  const parsed = schema.safeParse(parseJson(file, text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${file} ${formatPath(i.path.map(pathSegment))}: ${i.message}`,
    );
    throw new Error(
      `${file} is not a configuration this version compiles; synthesize again:\n${problems.join('\n')}`,
    );
  }
  const compiledFor = parsed.data.environment ?? undefined;
  if (compiledFor !== environment) {
    throw new Error(
      `${file} was compiled for policy environment ${describe(compiledFor)}, but CAIRN_ENVIRONMENT is ${describe(environment)}; synthesize and deploy again.`,
    );
  }
  return parsed.data;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON; synthesize again`, { cause: error });
  }
}

function pathSegment(segment: PropertyKey): PathSegment {
  return typeof segment === 'number' ? segment : String(segment);
}

function describe(environment: string | undefined): string {
  return environment === undefined ? '(none: the base values)' : `"${environment}"`;
}
