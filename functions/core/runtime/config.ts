import type { JourneyCatalog } from '../engine/catalog.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { Policies } from '../policies/config.ts';
import type { LoadedTemplate } from '../templates/load.ts';

/**
 * The journeys, lifecycle model, delivery policies and templates the use cases run with: loaded once per
 * cold start by a function, once per run by the simulator, journey tests and the local stack.
 */
export type RuntimeConfig = {
  /**
   * The journeys as loaded: a function's bundle. The use cases take the catalog they run from a CatalogSource
   * (journey-catalog.ts): on AWS and the local stack a refresher, which adds the versions and statuses of the
   * journey registry; in the simulator this one, fixed.
   */
  catalog: JourneyCatalog;
  lifecycle: LifecycleModel | undefined;
  policies: Policies;
  /** The message templates in `templates/` beside the journeys, by id. */
  templates: Map<string, LoadedTemplate>;
  defaultTimezone: string;
};

/** The engine's context at `now` under this configuration, running `catalog` (by default the one loaded). */
export function engineContext(
  config: RuntimeConfig,
  now: number,
  catalog: JourneyCatalog = config.catalog,
): EngineContext {
  return {
    now,
    catalog,
    defaultTimezone: config.defaultTimezone,
    ...(config.lifecycle ? { lifecycle: config.lifecycle } : {}),
  };
}
