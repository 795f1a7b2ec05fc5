import { describe, expect, it } from 'vitest';
import { journeyVersion } from '../../functions/core/engine/catalog.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import type { StatusAuditRecord, StatusChange } from '../../functions/core/journeys/status-overrides.ts';
import type { JourneyRegistry, StoredJourneyVersion } from '../../functions/core/ports/journey-registry.ts';
import { changeJourneyStatus } from '../../functions/core/runtime/journey-status.ts';
import { journeyFromYaml } from '../support/journeys.ts';

export const REGISTRY_T0 = Date.parse('2026-11-02T10:00:00Z');

export function welcomeJourney(nudgeTemplate = 'nudge', status = 'active'): Journey {
  return journeyFromYaml(`
id: welcome
name: Welcome
status: ${status}
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: hello, type: send, channel: email, template: welcome, next: pause }
  - { id: pause, type: wait, duration: P1D, next: nudge }
  - { id: nudge, type: send, channel: email, template: ${nudgeTemplate} }
`);
}

export function storedVersion(journey: Journey, registeredAt = REGISTRY_T0): StoredJourneyVersion {
  return { journeyId: journey.id, version: journeyVersion(journey), journey, registeredAt };
}

const change = (action: StatusChange['action'], extra: Partial<StatusChange> = {}): StatusChange => ({
  journeyId: 'welcome',
  action,
  by: 'ops-ana',
  at: REGISTRY_T0,
  ...extra,
});

function record(seq: number, extra: Partial<StatusAuditRecord> = {}): StatusAuditRecord {
  return { ...change('pause'), seq, from: 'active', to: 'paused', at: REGISTRY_T0 + seq, ...extra };
}

/**
 * The behaviour every JourneyRegistry must have. The in-memory registry runs it in
 * test/core/runtime/in-memory-journey-registry.test.ts, the DynamoDB one on dynalite in
 * test/adapters/dynamodb/journey-registry.test.ts. Each call of `makeRegistry` gives an empty registry.
 */
export function journeyRegistryContract(
  name: string,
  makeRegistry: () => JourneyRegistry | Promise<JourneyRegistry>,
): void {
  describe(`JourneyRegistry contract: ${name}`, () => {
    it('holds nothing at first', async () => {
      // Prepare
      const registry = await makeRegistry();

      // Act
      const contents = await registry.load();

      // Assess
      expect(contents).toEqual({ versions: [], overrides: [], deployed: [], problems: [] });
      expect(await registry.overrideOf('welcome')).toBeUndefined();
      expect(await registry.history('welcome')).toEqual([]);
    });

    it('stores a version once: the journey without its status, under the hash it was registered with', async () => {
      // Prepare
      const registry = await makeRegistry();
      const journey = welcomeJourney();
      const first = storedVersion(journey);

      // Act
      const stored = await registry.register(first);
      const again = await registry.register({ ...first, registeredAt: REGISTRY_T0 + 1 });
      const { versions } = await registry.load();

      // Assess
      expect([stored, again]).toEqual([true, false]);
      expect(versions).toEqual([{ ...first, journey: { ...journey, status: 'draft' } }]);
      expect(journeyVersion(versions[0]?.journey ?? journey)).toBe(first.version);
    });

    it('keeps every version of every journey, and the hash as registered even if it is not the content hash', async () => {
      // Prepare
      const registry = await makeRegistry();
      const v1 = storedVersion(welcomeJourney('nudge'));
      const v2 = storedVersion(welcomeJourney('nudge-v2'), REGISTRY_T0 + 1);
      const foreign = { ...storedVersion(welcomeJourney('nudge-v3')), version: 'feedface00000000' };

      // Act
      for (const v of [v1, v2, foreign]) await registry.register(v);
      const { versions } = await registry.load();

      // Assess
      expect(new Set(versions.map((v) => v.version))).toEqual(
        new Set([v1.version, v2.version, 'feedface00000000']),
      );
      expect(v1.version).not.toBe(v2.version);
      const templates = versions.map((v) => [v.version, v.journey.steps[2]]);
      expect(templates).toContainEqual([v2.version, expect.objectContaining({ template: 'nudge-v2' })]);
    });

    it('keeps one deployed marker per journey, the last recorded', async () => {
      // Prepare
      const registry = await makeRegistry();
      const marker = {
        journeyId: 'welcome',
        version: 'aaaa000000000000',
        status: 'draft' as const,
        at: REGISTRY_T0,
      };

      // Act
      await registry.recordDeployed(marker);
      await registry.recordDeployed({ ...marker, status: 'active', at: REGISTRY_T0 + 1 });
      await registry.recordDeployed({ ...marker, journeyId: 'cart' });

      // Assess
      const { deployed } = await registry.load();
      expect(deployed.sort((a, b) => a.journeyId.localeCompare(b.journeyId))).toEqual([
        { ...marker, journeyId: 'cart' },
        { ...marker, status: 'active', at: REGISTRY_T0 + 1 },
      ]);
    });

    it('sets an override only from the sequence it expects', async () => {
      // Prepare
      const registry = await makeRegistry();
      const paused = { journeyId: 'welcome', status: 'paused' as const, seq: 1, at: REGISTRY_T0 };

      // Act
      const first = await registry.applyOverride(paused, 0);
      const staleFirst = await registry.applyOverride({ ...paused, status: 'archived' }, 0);
      const second = await registry.applyOverride({ ...paused, status: 'active', seq: 2 }, 1);
      const staleSecond = await registry.applyOverride({ ...paused, status: 'archived', seq: 2 }, 1);

      // Assess
      expect([first, staleFirst, second, staleSecond]).toEqual([true, false, true, false]);
      const current = { ...paused, status: 'active', seq: 2 };
      expect(await registry.overrideOf('welcome')).toEqual(current);
      expect((await registry.load()).overrides).toEqual([current]);
    });

    it('appends one audit record per sequence number, and gives the trail oldest first', async () => {
      // Prepare
      const registry = await makeRegistry();
      const records = Array.from({ length: 12 }, (_, i) =>
        record(i + 1, i === 3 ? { reason: 'campaign bug' } : {}),
      );

      // Act
      for (const r of [...records].reverse()) await registry.appendAudit(r);
      const duplicate = await registry.appendAudit({ ...record(5), by: 'someone-else' });
      await registry.appendAudit(record(1, { journeyId: 'cart' }));

      // Assess
      expect(duplicate).toBe(false);
      expect(await registry.history('welcome')).toEqual(records);
      expect(await registry.auditRecord('welcome', 4)).toEqual(records[3]);
      expect(await registry.auditRecord('welcome', 13)).toBeUndefined();
      expect(await registry.history('cart')).toHaveLength(1);
      expect(await registry.load()).toEqual({ versions: [], overrides: [], deployed: [], problems: [] });
    });

    it('changes a status through pause, resume and archive, auditing each change and nothing else', async () => {
      // Prepare
      const registry = await makeRegistry();

      // Act
      const pause = await changeJourneyStatus(
        registry,
        change('pause', { reason: 'wrong coupon', at: REGISTRY_T0 }),
      );
      const pauseAgain = await changeJourneyStatus(registry, change('pause', { at: REGISTRY_T0 + 1 }));
      const resume = await changeJourneyStatus(
        registry,
        change('resume', { by: 'ops-ben', at: REGISTRY_T0 + 2 }),
      );
      const archive = await changeJourneyStatus(registry, change('archive', { at: REGISTRY_T0 + 3 }));
      const resumeArchived = await changeJourneyStatus(registry, change('resume', { at: REGISTRY_T0 + 4 }));

      // Assess
      expect([pause.kind, pauseAgain.kind, resume.kind, archive.kind, resumeArchived.kind]).toEqual([
        'changed',
        'unchanged',
        'changed',
        'changed',
        'refused',
      ]);
      expect(await registry.history('welcome')).toEqual([
        { ...change('pause'), reason: 'wrong coupon', seq: 1, from: 'active', to: 'paused', at: REGISTRY_T0 },
        { ...change('resume'), by: 'ops-ben', seq: 2, from: 'paused', to: 'active', at: REGISTRY_T0 + 2 },
        { ...change('archive'), seq: 3, from: 'active', to: 'archived', at: REGISTRY_T0 + 3 },
      ]);
      expect(await registry.overrideOf('welcome')).toEqual({
        journeyId: 'welcome',
        status: 'archived',
        seq: 3,
        at: REGISTRY_T0 + 3,
      });
    });

    it('lets exactly one of ten concurrent pauses change the status', async () => {
      // Prepare
      const registry = await makeRegistry();
      const pauses = Array.from({ length: 10 }, (_, i) =>
        change('pause', { by: `ops-${i}`, at: REGISTRY_T0 + i }),
      );

      // Act
      const results = await Promise.all(pauses.map((p) => changeJourneyStatus(registry, p)));

      // Assess
      expect(results.filter((r) => r.kind === 'changed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'unchanged')).toHaveLength(9);
      expect(await registry.history('welcome')).toHaveLength(1);
      expect((await registry.overrideOf('welcome'))?.status).toBe('paused');
    });

    it('keeps a gapless chain of changes under concurrent pauses, resumes and archives', async () => {
      // Prepare
      const registry = await makeRegistry();
      const actions = ['pause', 'resume', 'pause', 'resume', 'archive', 'pause'] as const;

      // Act
      const results = await Promise.all(
        actions.map((a, i) => changeJourneyStatus(registry, change(a, { at: i }), 20)),
      );

      // Assess: each record starts where the one before it ended, and the override is the last record's
      const trail = await registry.history('welcome');
      expect(trail.map((r) => r.seq)).toEqual(trail.map((_, i) => i + 1));
      expect(trail.map((r) => r.from)).toEqual(['active', ...trail.slice(0, -1).map((r) => r.to)]);
      expect(results.filter((r) => r.kind === 'changed')).toHaveLength(trail.length);
      const last = trail.at(-1);
      expect(await registry.overrideOf('welcome')).toMatchObject({ status: last?.to, seq: last?.seq });
    });

    it('applies a change recorded but never applied before deciding the next one', async () => {
      // Prepare: a command stopped between its two writes
      const registry = await makeRegistry();
      await registry.appendAudit(record(1));

      // Act
      const pause = await changeJourneyStatus(registry, change('pause', { at: REGISTRY_T0 + 10 }));

      // Assess
      expect(pause).toEqual({ kind: 'unchanged', status: 'paused', why: 'already paused' });
      expect(await registry.overrideOf('welcome')).toEqual({
        journeyId: 'welcome',
        status: 'paused',
        seq: 1,
        at: REGISTRY_T0 + 1,
      });
      expect(await registry.history('welcome')).toEqual([record(1)]);
    });
  });
}
