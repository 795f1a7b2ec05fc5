import { type CompiledJourney, compileJourney, JourneyCatalog, journeyVersion } from '../engine/catalog.ts';
import type { Journey } from '../journeys/schema.ts';
import { applyStatusOverrides, type OverrideStatus } from '../journeys/status-overrides.ts';
import type { JourneyRegistry, RegistryContents, StoredJourneyVersion } from '../ports/journey-registry.ts';
import type { Segment } from '../segments/schema.ts';

/** How old the catalog may get before an invocation reads the registry again: statuses honoured within a minute. */
export const CATALOG_MAX_AGE_MS = 60_000;

/**
 * The least time between two reads forced by an unknown version (`findVersions`): a version that is truly gone
 * then costs one registry read per instance every few seconds, not one per event.
 */
export const FORCED_REFRESH_GAP_MS = 5_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Where the use cases get the journeys they run, asked on every use: on AWS and on the local stack the catalog
 * changes while an instance lives (a refresh brings new versions and statuses), so none keeps it.
 */
export interface CatalogSource {
  /** The catalog to run now. */
  current(): JourneyCatalog;
  /**
   * Looks again, now, for versions the current catalog lacks (ApplyPorts.findVersions). A source that cannot
   * learn of new versions (a fixed catalog) has none.
   */
  findVersions?(versions: readonly string[]): Promise<unknown>;
  /**
   * Reads the registry again when the catalog is a minute old, as a function does before each invocation; a
   * source that cannot change (a fixed catalog) has none.
   */
  refreshIfStale?(): Promise<unknown>;
}

/** A catalog that never changes: the simulator's, the journey tests', and the tests'. */
export function fixedCatalog(catalog: JourneyCatalog): CatalogSource {
  return { current: () => catalog };
}

/**
 * The catalog a deployed function runs: its bundled journeys as the latest versions (new entries use them),
 * and every version stored in the registry, which in-flight enrollments pinned to them still follow.
 * Stored versions are found by the hash they were registered under, which is what enrollments pin, even if
 * this code would hash the same journey differently (a schema default added since).
 */
export class DeployedJourneyCatalog extends JourneyCatalog {
  private readonly stored = new Map<string, CompiledJourney>();
  readonly problems: string[] = [];

  constructor(
    latest: readonly Journey[],
    retiredLatest: readonly Journey[],
    stored: readonly StoredJourneyVersion[],
    segments: readonly Segment[] = [],
  ) {
    super(latest, segments);
    for (const journey of retiredLatest) this.tryCompile(`journey ${journey.id}`, () => this.add(journey));
    for (const { journeyId, version, journey } of stored) {
      if (super.version(version)) continue;
      this.tryCompile(`journey ${journeyId} version ${version}`, () => {
        this.stored.set(version, compileJourney(journey));
      });
    }
  }

  override version(version: string): CompiledJourney | undefined {
    return super.version(version) ?? this.stored.get(version);
  }

  private tryCompile(what: string, compile: () => unknown): void {
    try {
      compile();
    } catch (error) {
      this.problems.push(`${what}: ${errorText(error)}; skipped`);
    }
  }
}

/**
 * Builds the catalog from the bundled journeys and the registry's contents. A journey no longer bundled takes
 * no new entries, and its in-flight enrollments finish on their versions; unless it was paused or archived
 * with `cairn journeys`, which then holds or ends them (its newest stored version carries that status).
 */
export function deployedCatalog(
  bundled: readonly Journey[],
  contents: RegistryContents,
  segments: readonly Segment[] = [],
): DeployedJourneyCatalog {
  const overrides = new Map<string, OverrideStatus>(contents.overrides.map((o) => [o.journeyId, o.status]));
  const bundledIds = new Set(bundled.map((j) => j.id));
  const newestRetired = new Map<string, StoredJourneyVersion>();
  for (const stored of contents.versions) {
    if (bundledIds.has(stored.journeyId)) continue;
    const newest = newestRetired.get(stored.journeyId);
    if (!newest || stored.registeredAt > newest.registeredAt) newestRetired.set(stored.journeyId, stored);
  }
  const retiredLatest: Journey[] = [];
  for (const [journeyId, stored] of newestRetired) {
    const status = overrides.get(journeyId);
    if (status === 'paused' || status === 'archived') retiredLatest.push({ ...stored.journey, status });
  }
  return new DeployedJourneyCatalog(
    applyStatusOverrides(bundled, overrides),
    retiredLatest,
    contents.versions,
    segments,
  );
}

export type CatalogRefresh =
  | { kind: 'fresh' }
  | {
      kind: 'refreshed';
      /** `<id>@<version>` of each bundled version this instance stored (first refresh only). */
      registered: string[];
      versions: number;
      overrides: number;
      /** Registry items or stored versions that could not be used. */
      problems: string[];
    }
  /** The registry could not be read; the catalog loaded before stays, and the next invocation tries again. */
  | { kind: 'kept'; error: string };

export type JourneyCatalogRefresherOptions = {
  /** The journeys of the bundle (RuntimeConfig.catalog as loaded): the latest versions, whatever is stored. */
  bundled: JourneyCatalog;
  registry: JourneyRegistry;
  clock?: () => number;
  maxAgeMs?: number;
};

/**
 * The catalog a deployed function runs (on AWS, and on the local stack), kept up to date with the registry;
 * the use cases ask it for `current()` on every use. On the first refresh it registers the versions the
 * function bundles (one conditional PutItem per version not stored yet), so that a version once deployed
 * stays resolvable after the next deployment; then it reads every stored version and status override, and
 * again at most once per `maxAgeMs`.
 *
 * It runs on the invocation path: a handler awaits `refreshIfStale()` before the use case runs
 * (functions/handlers/shared/journey-catalog.ts). A background refresh would not do: Lambda freezes the
 * instance between invocations, so a promise left running may finish minutes later, or never.
 */
export class JourneyCatalogRefresher implements CatalogSource {
  private readonly registry: JourneyRegistry;
  private readonly clock: () => number;
  private readonly maxAgeMs: number;
  /** The journeys of the bundle, as loaded at the cold start. */
  private readonly bundled: readonly Journey[];
  /** The bundle alone until the first refresh, then what the last one built. */
  private catalog: JourneyCatalog;
  private loadedAt: number | undefined;
  private registered = false;
  private running: Promise<CatalogRefresh> | undefined;
  private forcedAt: number | undefined;

  constructor(options: JourneyCatalogRefresherOptions) {
    this.registry = options.registry;
    this.clock = options.clock ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? CATALOG_MAX_AGE_MS;
    this.bundled = [...options.bundled.latest()].map((compiled) => compiled.journey);
    this.catalog = options.bundled;
  }

  /** The catalog of the last refresh; callers ask on every use rather than keep it. */
  current(): JourneyCatalog {
    return this.catalog;
  }

  /**
   * Refreshes when the catalog is older than `maxAgeMs` (or never loaded). Throws only when the registry
   * cannot be read or written before the first load: running on the bundle alone would end every enrollment
   * pinned to an older version (`version-unavailable`), which cannot be undone.
   */
  refreshIfStale(): Promise<CatalogRefresh> {
    const now = this.clock();
    if (this.loadedAt !== undefined && now - this.loadedAt < this.maxAgeMs)
      return Promise.resolve({ kind: 'fresh' });
    // Callers that overlap wait for the same read rather than start another; only the first is told what it
    // found, so that it is reported once.
    if (this.running) return this.running.then((): CatalogRefresh => ({ kind: 'fresh' }));
    this.running = this.refresh(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Reads the registry now, however young the catalog, when it lacks any of `versions`: versions enrollments
   * follow that another instance deployed since this one last read (docs/deploy.md, "Journeys in flight").
   * At most once per FORCED_REFRESH_GAP_MS.
   */
  async findVersions(versions: readonly string[]): Promise<CatalogRefresh> {
    const known = () => versions.every((version) => this.catalog.version(version));
    if (known()) return { kind: 'fresh' };
    // A read already under way may bring them.
    if (this.running) await this.running;
    if (known()) return { kind: 'fresh' };
    const now = this.clock();
    if (this.forcedAt !== undefined && now - this.forcedAt < FORCED_REFRESH_GAP_MS) return { kind: 'fresh' };
    this.forcedAt = now;
    this.running = this.refresh(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refresh(now: number): Promise<CatalogRefresh> {
    try {
      const contents = await this.registry.load();
      const registered = this.registered ? [] : await this.register(contents, now);
      this.registered = true;
      const catalog = deployedCatalog(this.bundled, contents, this.catalog.segmentDefinitions);
      this.catalog = catalog;
      this.loadedAt = now;
      return {
        kind: 'refreshed',
        registered,
        versions: contents.versions.length,
        overrides: contents.overrides.length,
        problems: [...contents.problems, ...catalog.problems],
      };
    } catch (error) {
      if (this.loadedAt === undefined) throw error;
      return { kind: 'kept', error: errorText(error) };
    }
  }

  /** Stores the bundled versions not stored yet, and marks what this bundle deploys where it changed. */
  private async register(contents: RegistryContents, now: number): Promise<string[]> {
    const stored = new Set(contents.versions.map((v) => `${v.journeyId}@${v.version}`));
    const deployed = new Map(contents.deployed.map((d) => [d.journeyId, d]));
    const registered = await Promise.all(
      this.bundled.map(async (journey) => {
        const version = journeyVersion(journey);
        const marker = deployed.get(journey.id);
        if (!marker || marker.version !== version || marker.status !== journey.status)
          await this.registry.recordDeployed({
            journeyId: journey.id,
            version,
            status: journey.status,
            at: now,
          });
        const key = `${journey.id}@${version}`;
        if (stored.has(key)) return [];
        const added = await this.registry.register({
          journeyId: journey.id,
          version,
          journey,
          registeredAt: now,
        });
        return added ? [key] : [];
      }),
    );
    return registered.flat();
  }
}
