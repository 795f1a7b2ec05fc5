import type { JourneyCatalog } from '../core/engine/catalog.ts';
import type { LifecycleModel } from '../core/lifecycle/lifecycle.ts';
import { isValidTimezone } from '../core/time/zoned.ts';
import type { CliIo } from './io.ts';
import { loadCatalog, loadLifecycle } from './load-catalog.ts';
import { type LoadedPolicies, loadPolicyChoice } from './load-policies.ts';

export type SimulationSetup = {
  until: number | undefined;
  catalog: JourneyCatalog;
  lifecycle: LifecycleModel | null;
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
 * --timezone, the journeys, lifecycle.yaml and the delivery policies. Returns the exit code when it cannot
 * (2 for bad usage, 1 for problems in the files), after printing why.
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
  return { until, catalog, lifecycle, policies };
}
