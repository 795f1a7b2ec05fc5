import { dirname, join } from 'node:path';
import { readTemplateFiles } from '../adapters/files/template-files.ts';
import { formatProblem } from '../core/diagnostics/problem.ts';
import { noPolicies } from '../core/policies/config.ts';
import type { RuntimeConfig } from '../core/runtime/config.ts';
import type { LoadedTemplate } from '../core/templates/load.ts';
import { loadTemplateSet } from '../core/templates/template-files.ts';
import { isValidTimezone } from '../core/time/zoned.ts';
import type { CliIo } from './io.ts';
import { loadCatalog, loadLifecycle } from './load-catalog.ts';
import { type LoadedPolicies, loadPolicyChoice } from './load-policies.ts';

export type SimulationSetup = {
  until: number | undefined;
  /** What the simulator runs with: the same shape a function loads at its cold start. */
  config: RuntimeConfig;
  /** The policies file applied, for the report; null for none. */
  policies: LoadedPolicies | null;
};

type SetupOptions = {
  journeys: string;
  until?: string | undefined;
  timezone: string;
  policies?: string | undefined;
  env?: string | undefined;
};

/**
 * What every command that runs the simulator needs, checked and loaded the same way: the --until time, the
 * --timezone, the journeys, lifecycle.yaml, the delivery policies and the templates. Returns the exit code
 * when it cannot (2 for bad usage, 1 for problems in the files), after printing why.
 */
export async function loadSimulationSetup(
  values: SetupOptions,
  io: CliIo,
  command: string,
): Promise<SimulationSetup | number> {
  const until = values.until === undefined ? undefined : Date.parse(values.until);
  if (until !== undefined && Number.isNaN(until)) {
    io.stderr(
      `cairn ${command}: --until "${values.until}" is not an ISO-8601 time such as 2026-12-31T00:00:00Z`,
    );
    return 2;
  }
  if (!isValidTimezone(values.timezone)) {
    io.stderr(
      `cairn ${command}: --timezone "${values.timezone}" is not an IANA timezone such as Europe/Paris`,
    );
    return 2;
  }
  const catalog = await loadCatalog([values.journeys], io, command);
  const lifecycle = await loadLifecycle(values.journeys, io, command, values.env);
  if (!catalog || lifecycle === undefined) return 1;
  const policies = await loadPolicyChoice(values.journeys, values.policies, values.env, io, command);
  if (policies === undefined) return 1;
  const templates = await loadTemplates(values.journeys, io, command);
  if (!templates) return 1;
  const config: RuntimeConfig = {
    catalog,
    lifecycle: lifecycle ?? undefined,
    policies: policies?.policies ?? noPolicies(),
    templates,
    defaultTimezone: values.timezone,
  };
  return { until, config, policies };
}

/** The templates in `templates/` beside the journeys, as a function loads them; undefined after problems. */
export async function loadTemplates(
  journeys: string,
  io: CliIo,
  command: string,
): Promise<Map<string, LoadedTemplate> | undefined> {
  const folder = /\.(ya?ml|json)$/.test(journeys) ? dirname(journeys) : journeys;
  const { templates, problems } = loadTemplateSet(await readTemplateFiles(join(folder, 'templates')));
  if (problems.length === 0) return templates;
  for (const problem of problems) io.stderr(formatProblem(problem));
  io.stderr(
    `cairn ${command}: ${problems.length} problem(s) in the templates; "npx cairn validate" lists them`,
  );
  return undefined;
}
