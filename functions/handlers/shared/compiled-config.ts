import * as z from 'zod';
import { formatPath, formatProblem, type PathSegment, type Problem } from '../../core/diagnostics/problem.ts';
import type { SourceDocument } from '../../core/diagnostics/yaml-source.ts';
import { JourneyCatalog } from '../../core/engine/catalog.ts';
import { Journey } from '../../core/journeys/schema.ts';
import { LifecycleConfig } from '../../core/lifecycle/config.ts';
import { compileLifecycle } from '../../core/lifecycle/lifecycle.ts';
import { Policies } from '../../core/policies/config.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import { Segment } from '../../core/segments/schema.ts';
import type { LoadedTemplate } from '../../core/templates/load.ts';
import { TemplateFile } from '../../core/templates/schema.ts';
import { parseCompiled, readCompiledFile } from './compiled-file.ts';

const Position = z.tuple([z.number().int().positive(), z.number().int().positive()]);

/** A template with what rendering needs of its file: the text, and where each value in it was written. */
export const CompiledTemplate = z.strictObject({
  id: z.string().min(1),
  file: z.string().min(1),
  text: z.string(),
  template: TemplateFile,
  /** The line and column of each value, by its path (`pathKey`), so render errors keep file:line:column. */
  positions: z.record(z.string(), Position),
});
export type CompiledTemplate = z.infer<typeof CompiledTemplate>;

export const CompiledConfig = z.strictObject({
  format: z.literal(1),
  /** The environment of policies.yaml and lifecycle.yaml it was compiled for; null for their base values. */
  environment: z.string().nullable(),
  journeys: z.array(Journey),
  /** The segments of segments/ beside the journeys (docs/audiences.md). */
  segments: z.array(Segment).default([]),
  lifecycle: LifecycleConfig.nullable(),
  policies: Policies,
  templates: z.array(CompiledTemplate),
});
export type CompiledConfig = z.infer<typeof CompiledConfig>;

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
 * once read, and what `cdk synth` checks the file it writes with.
 */
export function runtimeConfigFromText(
  file: string,
  text: string,
  environment: string | undefined,
  defaultTimezone: string,
): RuntimeConfig {
  return runtimeConfigOf(parseCompiled(CompiledConfig, file, text, environment), defaultTimezone);
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
