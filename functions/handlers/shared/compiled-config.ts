import { formatPath, formatProblem, type PathSegment, type Problem } from '../../core/diagnostics/problem.ts';
import type { SourceDocument } from '../../core/diagnostics/yaml-source.ts';
import { JourneyCatalog } from '../../core/engine/catalog.ts';
import { compileLifecycle } from '../../core/lifecycle/lifecycle-model.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import type { LoadedTemplate } from '../../core/templates/load.ts';
import { readCompiledFile, trustedCompiled } from './compiled-file.ts';
import type { CompiledConfig, CompiledTemplate } from './compiled-schema.ts';

/** A configuration that does not load stops the cold start: running with half the journeys would be worse. */
export class ConfigError extends Error {
  constructor(problems: readonly Problem[]) {
    super(`configuration has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The key of a path in `CompiledTemplate.positions`. */
export function pathKey(path: readonly PathSegment[]): string {
  return formatPath(path);
}

/** What a function builds from the compiled configuration; the local stack and the tests build it the same way. */
export function runtimeConfigOf(compiled: CompiledConfig, defaultTimezone: string): RuntimeConfig {
  const templates = new Map<string, LoadedTemplate>();
  for (const t of compiled.templates) {
    templates.set(t.id, {
      id: t.id,
      file: t.file,
      template: t.template,
      text: t.text,
      source: positionsOf(t),
    });
  }
  return {
    catalog: new JourneyCatalog(compiled.journeys, compiled.segments),
    lifecycle: compiled.lifecycle
      ? compileLifecycle(compiled.lifecycle, compiled.environment ?? undefined)
      : undefined,
    policies: compiled.policies,
    templates,
    defaultTimezone,
  };
}

/**
 * Reads the compiled configuration in `folder` (CAIRN_CONFIG_DIR): a missing or malformed file, or one compiled
 * for another environment, stops the cold start with what is wrong and how to fix it.
 */
export async function readCompiledConfig(
  folder: string,
  environment: string | undefined,
  defaultTimezone: string,
): Promise<RuntimeConfig> {
  const { file, text } = await readCompiledFile(folder);
  return runtimeConfigFromText(file, text, environment, defaultTimezone);
}

/**
 * The runtime configuration in `text`, the content of the compiled `file`: what a cold start does with the file
 * once read (no zod: the file is trusted by its digest, compiled-file.ts), and what `cdk synth` checks the file
 * it writes with.
 */
export function runtimeConfigFromText(
  file: string,
  text: string,
  environment: string | undefined,
  defaultTimezone: string,
): RuntimeConfig {
  return runtimeConfigOf(trustedCompiled(file, text, environment), defaultTimezone);
}

/** The positions a compiled template kept, answering as its parsed file did for every value in it. */
function positionsOf(t: CompiledTemplate): SourceDocument {
  const positionOf = (path: readonly PathSegment[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const at = t.positions[pathKey(path.slice(0, depth))];
      if (at) return { line: at[0], column: at[1] };
    }
    return { line: 1, column: 1 };
  };
  return { value: t.template, syntaxErrors: [], positionOf, positionOfKey: (path) => positionOf(path) };
}
