import { describe, expect, it } from 'vitest';
import { JourneyCatalog, journeyVersion } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState, type Timer } from '../../../functions/core/engine/state.ts';
import type { Journey } from '../../../functions/core/journeys/schema.ts';
import type { StatusAction } from '../../../functions/core/journeys/status-overrides.ts';
import type { JourneyRegistry } from '../../../functions/core/ports/journey-registry.ts';
import { InMemoryJourneyRegistry } from '../../../functions/core/runtime/in-memory-journey-registry.ts';
import {
  CATALOG_MAX_AGE_MS,
  type CatalogSource,
  FORCED_REFRESH_GAP_MS,
  fixedCatalog,
  JourneyCatalogRefresher,
} from '../../../functions/core/runtime/journey-catalog.ts';
import { changeJourneyStatus } from '../../../functions/core/runtime/journey-status.ts';
import { welcomeJourney } from '../../contracts/journey-registry.contract.ts';
import { customerEvent, DAY, journeyFromYaml } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const CART = journeyFromYaml(`
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
steps:
  - { id: remind, type: send, channel: email, template: cart }
`);

/** A function instance: a refresher over its bundle and the shared registry, and its own clock. */
function instance(registry: JourneyRegistry, ...journeys: Journey[]) {
  const clock = { now: T0 };
  const bundled = new JourneyCatalog(journeys);
  const refresher = new JourneyCatalogRefresher({ bundled, registry, clock: () => clock.now });
  return { clock, refresher };
}

/** Counts the registry's loads, to hold the refresher to one per minute. */
class CountingRegistry extends InMemoryJourneyRegistry {
  loads = 0;
  failing = false;
  override async load() {
    this.loads++;
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    return super.load();
  }
}

/** The engine on the catalog the source holds now, as the use cases ask for it (ApplyPorts.context). */
function run(
  catalogs: CatalogSource,
  state: CustomerState,
  input: Parameters<typeof processInput>[1],
  now: number,
) {
  return processInput(state, input, { now, catalog: catalogs.current(), defaultTimezone: 'UTC' });
}

const signUp = (userId: string, at: number) => ({
  kind: 'event' as const,
  event: customerEvent('Signed Up', userId, at),
});

function timerOf(effects: Effect[]): Timer {
  const scheduled = effects.find((e) => e.type === 'timer-scheduled');
  if (scheduled?.type !== 'timer-scheduled') throw new Error('no timer scheduled');
  return scheduled.timer;
}

const pick = (effects: Effect[]) =>
  effects.flatMap((e) => {
    if (e.type === 'send') return [`send ${e.intent.template} (version ${e.intent.journeyVersion})`];
    if (e.type === 'exited') return [`exited ${e.reason}`];
    if (e.type === 'not-enrolled') return [`not-enrolled ${e.reason}`];
    if (e.type === 'enrolled') return ['enrolled'];
    return [];
  });

const ops = (action: StatusAction, at: number) => ({ journeyId: 'welcome', action, by: 'ops-ana', at });

describe('JourneyCatalogRefresher: statuses', () => {
  it('honours a status changed through the registry once the catalog is a minute old, and not before', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const fn = instance(registry, welcomeJourney());
    await fn.refresher.refreshIfStale();
    await changeJourneyStatus(registry, ops('pause', T0 + 1_000));

    // Act
    fn.clock.now = T0 + CATALOG_MAX_AGE_MS - 1;
    const before = await fn.refresher.refreshIfStale();
    const beforeEffects = run(
      fn.refresher,
      newCustomerState('u1'),
      signUp('u1', fn.clock.now),
      fn.clock.now,
    ).effects;
    fn.clock.now = T0 + CATALOG_MAX_AGE_MS;
    const after = await fn.refresher.refreshIfStale();
    const afterEffects = run(
      fn.refresher,
      newCustomerState('u2'),
      signUp('u2', fn.clock.now),
      fn.clock.now,
    ).effects;

    // Assess
    expect(before).toEqual({ kind: 'fresh' });
    expect(pick(beforeEffects)).toContain('enrolled');
    expect(after).toMatchObject({ kind: 'refreshed', overrides: 1 });
    expect(pick(afterEffects)).toEqual(['not-enrolled journey-paused']);
    expect(registry.loads).toBe(2);
  });

  it('holds an enrollment of a paused journey and lets it go on once resumed', async () => {
    // Prepare
    const registry = new InMemoryJourneyRegistry();
    const fn = instance(registry, welcomeJourney());
    await fn.refresher.refreshIfStale();
    const entered = run(fn.refresher, newCustomerState('u1'), signUp('u1', T0), T0);
    const timer = timerOf(entered.effects);
    await changeJourneyStatus(registry, ops('pause', T0));
    fn.clock.now = timer.dueAt;
    await fn.refresher.refreshIfStale();

    // Act
    const held = run(fn.refresher, entered.state, { kind: 'timer', timer }, timer.dueAt);
    await changeJourneyStatus(registry, ops('resume', timer.dueAt));
    fn.clock.now = timer.dueAt + CATALOG_MAX_AGE_MS;
    await fn.refresher.refreshIfStale();
    const deferred = held.effects.find((e) => e.type === 'timer-deferred');
    if (deferred?.type !== 'timer-deferred') throw new Error('the paused journey did not defer its timer');
    const resumed = run(
      fn.refresher,
      held.state,
      { kind: 'timer', timer: deferred.timer },
      deferred.timer.dueAt,
    );

    // Assess
    expect(deferred.reason).toBe('journey-paused');
    expect(pick(resumed.effects)).toEqual([
      `send nudge (version ${journeyVersion(welcomeJourney())})`,
      'exited completed',
    ]);
  });

  it('never runs a journey further than its file says: a draft file stays draft when resumed', async () => {
    // Prepare
    const registry = new InMemoryJourneyRegistry();
    const fn = instance(registry, welcomeJourney('nudge', 'draft'));
    await changeJourneyStatus(registry, ops('pause', T0));
    await changeJourneyStatus(registry, ops('resume', T0));

    // Act
    await fn.refresher.refreshIfStale();

    // Assess
    expect(fn.refresher.current().latestOf('welcome')?.journey.status).toBe('draft');
  });
});

describe('JourneyCatalogRefresher: versions across deployments', () => {
  it('lets an enrollment pinned to the old version finish on it after a deployment changed the journey', async () => {
    // Prepare: deployment 1 enrolls a customer, who waits a day
    const registry = new InMemoryJourneyRegistry();
    const first = instance(registry, welcomeJourney('nudge'));
    await first.refresher.refreshIfStale();
    const entered = run(first.refresher, newCustomerState('u1'), signUp('u1', T0), T0);
    const timer = timerOf(entered.effects);
    // deployment 2 edits the journey; a function of it starts
    const second = instance(registry, welcomeJourney('nudge-v2'));
    const bundleOnly = fixedCatalog(new JourneyCatalog([welcomeJourney('nudge-v2')]));

    // Act
    const refresh = await second.refresher.refreshIfStale();
    const fired = run(second.refresher, entered.state, { kind: 'timer', timer }, timer.dueAt);
    const firedOnBundleOnly = run(bundleOnly, entered.state, { kind: 'timer', timer }, timer.dueAt);
    const newcomer = run(second.refresher, newCustomerState('u2'), signUp('u2', T0 + DAY), T0 + DAY);

    // Assess
    const v1 = journeyVersion(welcomeJourney('nudge'));
    const v2 = journeyVersion(welcomeJourney('nudge-v2'));
    expect(refresh).toMatchObject({ kind: 'refreshed', registered: [`welcome@${v2}`], versions: 1 });
    expect(pick(fired.effects)).toEqual([`send nudge (version ${v1})`, 'exited completed']);
    expect(pick(firedOnBundleOnly.effects)).toEqual(['exited version-unavailable']);
    expect(newcomer.state.enrollments.map((e) => e.version)).toEqual([v2]);
  });

  it('finds a version another instance deployed within the minute, where the bundle and the last read lack it', async () => {
    // Prepare: an instance of the old deployment has read the registry; then the new deployment starts,
    // registers its version and enrolls a customer in it, all within the old instance's minute
    const registry = new CountingRegistry();
    const old = instance(registry, welcomeJourney('nudge'));
    await old.refresher.refreshIfStale();
    const next = instance(registry, welcomeJourney('nudge-v2'));
    next.clock.now = T0 + 10_000;
    await next.refresher.refreshIfStale();
    const entered = run(next.refresher, newCustomerState('u1'), signUp('u1', T0 + 10_000), T0 + 10_000);
    const timer = timerOf(entered.effects);
    const v2 = journeyVersion(welcomeJourney('nudge-v2'));
    old.clock.now = T0 + 20_000;
    const loadsBefore = registry.loads;

    // Act
    const stale = await old.refresher.refreshIfStale();
    const found = await old.refresher.findVersions(old.refresher.current().unknownVersions(entered.state));
    const fired = run(old.refresher, entered.state, { kind: 'timer', timer }, timer.dueAt);

    // Assess
    expect(stale).toEqual({ kind: 'fresh' });
    expect(found).toMatchObject({ kind: 'refreshed' });
    expect(registry.loads).toBe(loadsBefore + 1);
    expect(pick(fired.effects)).toEqual([`send nudge-v2 (version ${v2})`, 'exited completed']);
  });

  it('reads the registry for an unknown version at most once per few seconds, and never for known ones', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const fn = instance(registry, welcomeJourney());
    await fn.refresher.refreshIfStale();
    const known = journeyVersion(welcomeJourney());

    // Act
    const loads: number[] = [];
    await fn.refresher.findVersions([known]);
    loads.push(registry.loads);
    await fn.refresher.findVersions(['gone']);
    await fn.refresher.findVersions(['gone']);
    loads.push(registry.loads);
    fn.clock.now += FORCED_REFRESH_GAP_MS;
    await fn.refresher.findVersions(['gone']);
    loads.push(registry.loads);

    // Assess
    expect(loads).toEqual([1, 2, 3]);
  });

  it('takes no new entries for a journey no longer bundled, finishes its enrollments, and ends them once archived', async () => {
    // Prepare
    const registry = new InMemoryJourneyRegistry();
    const first = instance(registry, welcomeJourney());
    await first.refresher.refreshIfStale();
    const entered = run(first.refresher, newCustomerState('u1'), signUp('u1', T0), T0);
    const timer = timerOf(entered.effects);
    const second = instance(registry, CART);
    await second.refresher.refreshIfStale();

    // Act
    const finished = run(second.refresher, entered.state, { kind: 'timer', timer }, timer.dueAt);
    const newcomer = run(second.refresher, newCustomerState('u2'), signUp('u2', T0), T0);
    await changeJourneyStatus(registry, ops('archive', T0));
    second.clock.now += CATALOG_MAX_AGE_MS;
    await second.refresher.refreshIfStale();
    const archived = run(second.refresher, entered.state, { kind: 'timer', timer }, timer.dueAt);

    // Assess
    expect(pick(finished.effects)).toEqual([
      `send nudge (version ${journeyVersion(welcomeJourney())})`,
      'exited completed',
    ]);
    expect(newcomer.effects.filter((e) => e.type === 'enrolled' || e.type === 'not-enrolled')).toEqual([]);
    expect(pick(archived.effects)).toEqual(['exited journey-archived']);
  });
});

describe('JourneyCatalogRefresher: failures and sharing', () => {
  it('fails the cold start when the registry cannot be read: the bundle alone would end older enrollments', async () => {
    // Prepare
    const registry = new CountingRegistry();
    registry.failing = true;
    const fn = instance(registry, welcomeJourney());

    // Act
    const refresh = fn.refresher.refreshIfStale();

    // Assess
    await expect(refresh).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('keeps the catalog read before when a later read fails, and reads again on the next invocation', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const fn = instance(registry, welcomeJourney());
    await fn.refresher.refreshIfStale();
    const loaded = fn.refresher.current();
    registry.failing = true;
    fn.clock.now = T0 + CATALOG_MAX_AGE_MS;

    // Act
    const failed = await fn.refresher.refreshIfStale();
    registry.failing = false;
    fn.clock.now += 1;
    const retried = await fn.refresher.refreshIfStale();

    // Assess
    expect(failed).toEqual({ kind: 'kept', error: 'ProvisionedThroughputExceededException' });
    expect(retried.kind).toBe('refreshed');
    expect(fn.refresher.current()).not.toBe(loaded);
    expect(registry.loads).toBe(3);
  });

  it('reads the registry once for callers that overlap, and tells only the first what it found', async () => {
    // Prepare
    const registry = new CountingRegistry();
    const fn = instance(registry, welcomeJourney());

    // Act
    const refreshes = await Promise.all([
      fn.refresher.refreshIfStale(),
      fn.refresher.refreshIfStale(),
      fn.refresher.refreshIfStale(),
    ]);

    // Assess
    expect(registry.loads).toBe(1);
    expect(refreshes.map((r) => r.kind)).toEqual(['refreshed', 'fresh', 'fresh']);
    expect(fn.refresher.current().version(journeyVersion(welcomeJourney()))).toBeDefined();
  });
});
