import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../../core/diagnostics/problem.ts';
import type { LifecycleConfig } from '../../core/lifecycle/config.ts';
import { loadLifecycleConfig } from '../../core/lifecycle/lifecycle-file.ts';
import { Policies } from '../../core/policies/config.ts';
import { loadPolicies } from '../../core/policies/policy-file.ts';

/** The environment-wide settings files beside the journeys. */
const LIFECYCLE_FILE = 'lifecycle.yaml';
const POLICIES_FILE = 'policies.yaml';

export type FolderSettings =
  | {
      ok: true;
      /** null when the folder has no lifecycle.yaml. */
      lifecycle: LifecycleConfig | null;
      /** The environment's delivery policies; the defaults when the folder has no policies.yaml. */
      policies: Policies;
    }
  | { ok: false; problems: Problem[] };

/**
 * Reads and checks lifecycle.yaml and policies.yaml in `folder`, each when present, and returns the values of
 * `environment` (the base values without one). Every environment of policies.yaml is checked either way, and
 * the problems of both files are returned together. `cairn validate` and the synth compile
 * (functions/handlers/shared/config.ts) both read the settings through here, so they accept the same files.
 */
export async function loadSettingsFiles(
  folder: string,
  environment: string | undefined,
): Promise<FolderSettings> {
  const problems: Problem[] = [];

  let lifecycle: LifecycleConfig | null = null;
  const lifecycleFile = join(folder, LIFECYCLE_FILE);
  const lifecycleText = await readOptional(lifecycleFile);
  if (lifecycleText !== undefined) {
    const loaded = loadLifecycleConfig(lifecycleFile, lifecycleText);
    problems.push(...loaded.problems);
    lifecycle = loaded.config ?? null;
  }

  let policies = Policies.parse({});
  const policiesFile = join(folder, POLICIES_FILE);
  const policiesText = await readOptional(policiesFile);
  if (policiesText !== undefined) {
    const loaded = loadPolicies(policiesFile, policiesText, environment);
    problems.push(...loaded.problems);
    if (loaded.policies) policies = loaded.policies;
  }

  return problems.length > 0 ? { ok: false, problems } : { ok: true, lifecycle, policies };
}

/** The file's text; undefined when it does not exist. Any other read error is not a missing file. */
async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}
