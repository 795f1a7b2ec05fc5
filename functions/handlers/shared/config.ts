import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { readTemplateFiles } from '../../adapters/files/template-files.ts';
import { formatProblem, type Problem } from '../../core/diagnostics/problem.ts';
import { JourneyCatalog } from '../../core/engine/catalog.ts';
import type { EngineContext } from '../../core/engine/engine.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import { loadLifecycleConfig } from '../../core/lifecycle/config.ts';
import { compileLifecycle, type LifecycleModel } from '../../core/lifecycle/lifecycle.ts';
import { loadPolicies, Policies } from '../../core/policies/config.ts';
import { type LoadedTemplate, loadTemplateSet } from '../../core/templates/load.ts';

/** The journeys, lifecycle model and delivery policies a function runs with, loaded once per cold start. */
export type RuntimeConfig = {
  catalog: JourneyCatalog;
  lifecycle: LifecycleModel | undefined;
  policies: Policies;
  /** The message templates in `templates/` beside the journeys, by id. */
  templates: Map<string, LoadedTemplate>;
  defaultTimezone: string;
};

/** A configuration that does not load stops the cold start: running with half the journeys would be worse. */
export class ConfigError extends Error {
  constructor(problems: readonly Problem[]) {
    super(`configuration has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Loads the journeys folder bundled with the function: its journey files, and beside them lifecycle.yaml and
 * policies.yaml when present. Without a policies file no policy applies, but the send ledger still does.
 */
export async function loadRuntimeConfig(
  folder: string,
  environment: string | undefined,
  defaultTimezone: string,
): Promise<RuntimeConfig> {
  // The same reader as `cairn validate`, so a function loads exactly the files the CLI checks.
  const { files, missing } = await readJourneyFiles([folder]);
  if (missing.length > 0) throw new Error(`the journeys folder ${folder} does not exist (CAIRN_CONFIG_DIR)`);
  const { journeys, problems } = loadJourneySet(files);
  if (problems.length > 0) throw new ConfigError(problems);

  let lifecycle: LifecycleModel | undefined;
  const lifecycleFile = join(folder, 'lifecycle.yaml');
  const lifecycleText = await readOptional(lifecycleFile);
  if (lifecycleText !== undefined) {
    const loaded = loadLifecycleConfig(lifecycleFile, lifecycleText);
    if (!loaded.config) throw new ConfigError(loaded.problems);
    lifecycle = compileLifecycle(loaded.config, environment);
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
    catalog: new JourneyCatalog(journeys.map((j) => j.journey)),
    lifecycle,
    policies,
    templates: templateSet.templates,
    defaultTimezone,
  };
}

/** The engine's context at `now` for this configuration. */
export function engineContext(config: RuntimeConfig, now: number): EngineContext {
  return {
    now,
    catalog: config.catalog,
    defaultTimezone: config.defaultTimezone,
    ...(config.lifecycle ? { lifecycle: config.lifecycle } : {}),
  };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}
