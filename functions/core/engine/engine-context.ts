import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { JourneyCatalog } from './catalog.ts';

export type EngineContext = {
  /** The engine's clock: virtual time in the simulator and a replay, the wall clock on AWS. */
  now: number;
  catalog: JourneyCatalog;
  /** Used for local-time waits when the profile has no valid timezone. */
  defaultTimezone: string;
  /** Purchases, derived fields and lifecycle stages; without it stages change only by stage-change events. */
  lifecycle?: LifecycleModel;
  /**
   * How long applied inputs are remembered, by their time: the event-time window's past (InputLimits.pastMs,
   * default 90 days), since an event older than that is refused before it reaches the engine.
   */
  rememberMs?: number;
};
