import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { readTemplateFiles } from '../../adapters/files/template-files.ts';
import type { PathSegment } from '../../core/diagnostics/problem.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import type { LifecycleConfig } from '../../core/lifecycle/config.ts';
import { compileLifecycle } from '../../core/lifecycle/lifecycle.ts';
import { loadLifecycleConfig } from '../../core/lifecycle/lifecycle-file.ts';
import { Policies } from '../../core/policies/config.ts';
import { loadPolicies } from '../../core/policies/policy-file.ts';
import type { RuntimeConfig } from '../../core/runtime/config.ts';
import type { LoadedTemplate } from '../../core/templates/load.ts';
import { loadTemplateSet } from '../../core/templates/template-files.ts';
import {
  type CompiledConfig,
  type CompiledTemplate,
  ConfigError,
  pathKey,
  runtimeConfigOf,
} from './compiled-config.ts';

/**
 * Reads and compiles the journeys folder: its journey files, and beside them lifecycle.yaml and policies.yaml
 * when present, and the templates. Without a policies file no policy applies, but the send ledger still does.
 * `cdk synth` writes the result into the bundles (functions/handlers/shared/compiled-config.ts); the CLI, the
 * local stack and the tests load a folder through it too, so every one of them runs what the functions run.
 */
export async function compileConfigFolder(
  folder: string,
  environment: string | undefined,
): Promise<CompiledConfig> {
  // The same reader as `cairn validate`, so a function loads exactly the files the CLI checks.
  const { files, missing } = await readJourneyFiles([folder]);
  if (missing.length > 0) throw new Error(`the journeys folder ${folder} does not exist (CAIRN_CONFIG_DIR)`);
  const { journeys, problems } = loadJourneySet(files);
  if (problems.length > 0) throw new ConfigError(problems);

  let lifecycle: LifecycleConfig | null = null;
  const lifecycleFile = join(folder, 'lifecycle.yaml');
  const lifecycleText = await readOptional(lifecycleFile);
  if (lifecycleText !== undefined) {
    const loaded = loadLifecycleConfig(lifecycleFile, lifecycleText);
    if (!loaded.config) throw new ConfigError(loaded.problems);
    // Compiled here as well as at each cold start, so that a model the environment breaks stops the synth.
    compileLifecycle(loaded.config, environment);
    lifecycle = loaded.config;
  }

  let policies = Policies.parse({});
  const policiesFile = join(folder, 'policies.yaml');
  const policiesText = await readOptional(policiesFile);
  if (policiesText !== undefined) {
    const loaded = loadPolicies(policiesFile, policiesText, environment);
    if (!loaded.policies) throw new ConfigError(loaded.problems);
    policies = loaded.policies;
  }
  const templateSet = loadTemplateSet(await readTemplateFiles(join(folder, 'templates')));
  if (templateSet.problems.length > 0) throw new ConfigError(templateSet.problems);
  return {
    format: 1,
    environment: environment ?? null,
    journeys: journeys.map((j) => j.journey),
    lifecycle,
    policies,
    templates: [...templateSet.templates.values()].map(compileTemplate),
  };
}

/** A journeys folder as a function would run it, compiled and loaded in one go. */
export async function loadRuntimeConfig(
  folder: string,
  environment: string | undefined,
  defaultTimezone: string,
): Promise<RuntimeConfig> {
  return runtimeConfigOf(await compileConfigFolder(folder, environment), defaultTimezone);
}

function compileTemplate({ id, file, text, template, source }: LoadedTemplate): CompiledTemplate {
  const positions: CompiledTemplate['positions'] = {};
  const visit = (value: unknown, path: PathSegment[]) => {
    const { line, column } = source.positionOf(path);
    positions[pathKey(path)] = [line, column];
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...path, i]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(source.value, []);
  return { id, file, text, template, positions };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}
