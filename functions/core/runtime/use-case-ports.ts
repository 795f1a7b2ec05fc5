import type { InputLimits } from '../events/limits.ts';
import { engineContext, type RuntimeConfig } from './config.ts';
import type { ApplyPorts, EffectPorts } from './ingest.ts';
import type { CatalogSource } from './journey-catalog.ts';
import { templatesReadLastSeen } from './unread-changes.ts';

// The ports of deliver are assembled in deliver-ports.ts, apart: the template engine they bring stays out of
// the ingest and timers bundles.

/**
 * What the use cases of one machine run with besides their adapters: the configuration, where the journeys
 * come from, and the clock. The same on AWS, on the local stack and in the simulator, but for the adapters.
 */
export type RuntimeSetting = {
  config: RuntimeConfig;
  /** A refresher over the journey registry on AWS and the local stack; the loaded catalog in the simulator. */
  catalogs: CatalogSource;
  now: () => number;
  /** The input limits (events/limits.ts); the defaults when not given. */
  limits?: InputLimits;
};

/** The adapters ApplyPorts holds: where the state is, and where the effects of an input go. */
export type ApplyAdapters = EffectPorts & Pick<ApplyPorts, 'states'>;

/** The ports that apply an input to a customer and hand its effects on, over these adapters. */
export function applyPorts(
  adapters: ApplyAdapters,
  { config, catalogs, now, limits }: RuntimeSetting,
): ApplyPorts {
  const findVersions = catalogs.findVersions?.bind(catalogs);
  return {
    ...adapters,
    context: () => engineContext(config, now(), catalogs.current()),
    ...(findVersions ? { findVersions } : {}),
    // Sends are decided where the state was just read, so deliver need not read it (docs/data-model.md).
    delivery: { policies: config.policies, defaultTimezone: config.defaultTimezone },
    ...(limits ? { limits } : {}),
    // Inputs that change only what nothing reads are not written (unread-changes.ts).
    templatesReadLastSeen: templatesReadLastSeen(config.templates),
  };
}
