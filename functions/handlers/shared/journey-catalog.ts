import type { CatalogRefresh } from '../../core/runtime/journey-catalog.ts';
import type { Settle } from './outcomes.ts';

/**
 * A handler's ports with what keeps their catalog current: the JourneyCatalogRefresher their use cases read
 * the catalog from (core/runtime/journey-catalog.ts).
 */
export type Refreshing<P> = {
  ports: P;
  refresher: { refreshIfStale(): Promise<CatalogRefresh> };
  /** What the handler does at the end of each invocation with what the use cases observed (outcomes.ts). */
  settle?: Settle;
};

/** Where a refresh is reported: Powertools' Logger fits. */
export type RefreshLog = {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
};

/**
 * A handler's ports factory that refreshes the catalog, when stale, before handing the ports to an
 * invocation: `handler = ingestHandler(refreshing(once(() => wireIngest()), obs.logger))`. So a status
 * changed with `cairn journeys` applies within a minute, on AWS and on the local stack alike.
 */
export function refreshing<P>(wired: () => Promise<Refreshing<P>>, log?: RefreshLog): () => Promise<P> {
  return async () => {
    const { ports, refresher } = await wired();
    const refresh = await refresher.refreshIfStale();
    if (refresh.kind === 'kept')
      log?.warn('journey registry unreadable; running on the catalog read before', refresh);
    if (refresh.kind === 'refreshed') {
      if (refresh.problems.length > 0)
        log?.warn('journey registry items skipped', { problems: refresh.problems });
      if (refresh.registered.length > 0)
        log?.info('journey versions registered', { registered: refresh.registered });
    }
    return ports;
  };
}
