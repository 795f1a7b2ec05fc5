import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatProblem } from '../core/diagnostics/problem.ts';
import type { Policies } from '../core/policies/config.ts';
import { loadPolicies } from '../core/policies/policy-file.ts';
import type { CliIo } from './io.ts';

export type LoadedPolicies = { file: string; environment: string | undefined; policies: Policies };

export const policiesOptions = {
  policies: { type: 'string' },
  env: { type: 'string' },
} as const;

export const policiesUsage = `  --policies  delivery policies (default policies.yaml beside the journeys); "none": no caps, no held sends, consent not consulted
  --env       the environment of the policies file to apply (default: its base values)`;

/**
 * The delivery policies a command applies: --policies, else policies.yaml beside the journeys when it
 * exists. Returns null for none, and undefined after printing the problems.
 */
export async function loadPolicyChoice(
  journeys: string,
  option: string | undefined,
  environment: string | undefined,
  io: CliIo,
  command: string,
): Promise<LoadedPolicies | null | undefined> {
  if (option === 'none') return null;
  const file =
    option ?? join(/\.(ya?ml|json)$/.test(journeys) ? dirname(journeys) : journeys, 'policies.yaml');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    if (option === undefined && environment === undefined) return null;
    io.stderr(
      `cairn ${command}: cannot read ${file}; pass --policies with a policies file, or --policies none`,
    );
    return undefined;
  }
  const { policies, problems } = loadPolicies(file, text, environment);
  if (!policies) {
    for (const problem of problems) io.stderr(formatProblem(problem));
    io.stderr(`cairn ${command}: ${problems.length} problem(s) in ${file}`);
    return undefined;
  }
  return { file, environment, policies };
}

export function describePolicies(loaded: LoadedPolicies | null): string {
  if (!loaded) return 'no delivery policies (every message is sent on its first channel)';
  return `delivery policies ${loaded.file}${loaded.environment ? ` (environment ${loaded.environment})` : ''}`;
}
