import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import { SeenMemory } from '../../../functions/core/engine/seen-memory.ts';
import { newCustomerState } from '../../../functions/core/engine/state.ts';
import type { SuppressionReason } from '../../../functions/core/policies/suppression-reason.ts';
import type { RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { InMemoryCustomerStateStore } from '../../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../../functions/core/runtime/in-memory-timer-store.ts';
import { type ApplyPorts, applyInput, ingest } from '../../../functions/core/runtime/ingest.ts';
import { fixedCatalog } from '../../../functions/core/runtime/journey-catalog.ts';
import { changesNothingRead, readsLastSeen } from '../../../functions/core/runtime/unread-changes.ts';
import { applyPorts } from '../../../functions/core/runtime/use-case-ports.ts';
import {
  customerEvent,
  MemoryDeadLetters,
  MemoryPublisher,
  MemorySendQueue,
  sampleConfig,
  signedUp,
  T0,
} from '../../handlers/support.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

/** The use cases' own ports (use-case-ports.ts) over memory, with the configuration given. */
function portsFor(config: RuntimeConfig, states = new InMemoryCustomerStateStore()): ApplyPorts {
  const adapters = {
    states,
    timers: new InMemoryTimerStore(),
    sends: new MemorySendQueue(),
    events: new MemoryPublisher(),
    deadLetters: new MemoryDeadLetters(),
  };
  return { ...applyPorts(adapters, { config, catalogs: fixedCatalog(config.catalog), now: () => T0 }) };
}

const viewed = (userId: string, id: string) => JSON.stringify(customerEvent(userId, id, 'Product Viewed'));

/** A journey on an event no sample journey reads, whose audience reads how long ago the customer was seen. */
const recentVisitors = (condition: string) =>
  journeyFromYaml(`
id: recent-visitors
name: Recent visitors
trigger: { event: { detail-type: [Newsletter Clicked] } }
audience:
  profile: { ${condition}: [{ numeric: ["<", 7] }] }
steps:
  - { id: hello, type: send, channel: email, template: welcome }
`);

/** usr_1 signed up, through the sample configuration's ports: the store, the ports and the stored state. */
async function signedUpCustomer() {
  const states = new InMemoryCustomerStateStore();
  const ports = portsFor(await sampleConfig(), states);
  await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
  return { states, ports, signed: await states.load('usr_1') };
}

describe('inputs that change nothing read', () => {
  it('writes no state for an event that only moves lastSeenAt, first or again, and writes the next event that changes something', async () => {
    // Prepare
    const { states, ports, signed } = await signedUpCustomer();

    // Act
    const first = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-2');
    const again = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-3');
    const afterViews = await states.load('usr_1');
    await ingest(JSON.stringify(customerEvent('usr_1', 'evt-order', 'Order Completed')), ports, 'msg-4');

    // Assess
    expect(first).toMatchObject({
      status: 'applied',
      result: { written: false, duplicate: false, effects: [] },
    });
    expect(again).toMatchObject({ status: 'applied', result: { written: false, effects: [] } });
    expect(afterViews?.version).toBe(signed?.version);
    expect((await states.load('usr_1'))?.version).toBe((signed?.version ?? 0) + 1);
  });

  it('writes an event that brings an address the profile holds when that address is found suppressed', async () => {
    // Prepare: the address bounced for another customer after usr_1 signed up with it.
    let suppressed: [string, SuppressionReason][] = [];
    const states = new InMemoryCustomerStateStore({ suppressionsOf: async () => suppressed });
    const ports = portsFor(await sampleConfig(), states);
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    suppressed = [['usr_1@example.com', 'hard_bounce']];
    const event = customerEvent('usr_1', 'evt-view', 'Product Viewed', {
      traits: { email: 'usr_1@example.com' },
    });

    // Act
    const outcome = await ingest(JSON.stringify(event), ports, 'msg-2');

    // Assess
    expect(outcome).toMatchObject({ status: 'applied', result: { written: true } });
    expect(JSON.stringify((await states.load('usr_1'))?.state.delivery)).toContain('hard_bounce');
  });

  it('writes such an event when a template names daysSinceLastSeen', async () => {
    // Prepare
    const config = await sampleConfig();
    const ports = { ...portsFor(config), templatesReadLastSeen: true };
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Act
    const outcome = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-2');

    // Assess
    expect(outcome).toMatchObject({ status: 'applied', result: { written: true } });
  });

  it('writes such an event when a journey reads daysSinceLastSeen, though the event enters none', async () => {
    // Prepare
    const sample = await sampleConfig();
    const journeys = [...sample.catalog.latest()].map((j) => j.journey);
    const catalog = new JourneyCatalog(
      [...journeys, recentVisitors('daysSinceLastSeen')],
      sample.catalog.segmentDefinitions,
    );
    const ports = portsFor({ ...sample, catalog });
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Act
    const outcome = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-2');

    // Assess
    expect(outcome).toMatchObject({ status: 'applied', result: { written: true, effects: [] } });
  });

  it('writes an event whose trigger kept the customer out (an effect), so the same event later does not start it', async () => {
    // Prepare: a journey on Product Viewed for VIPs only; usr_1 is not one yet.
    const sample = await sampleConfig();
    const vipBrowsers = journeyFromYaml(`
id: vip-browsers
name: VIP browsers
trigger: { event: { detail-type: [Product Viewed] } }
audience:
  profile: { traits: { vip: [true] } }
steps:
  - { id: hello, type: send, channel: email, template: welcome }
`);
    const journeys = [...sample.catalog.latest()].map((j) => j.journey);
    const catalog = new JourneyCatalog([...journeys, vipBrowsers], sample.catalog.segmentDefinitions);
    const ports = portsFor({ ...sample, catalog });
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Act: viewed while not a VIP, then made a VIP, then the view redelivered (a DLQ redrive, a replay).
    const first = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-2');
    const vip = customerEvent('usr_1', 'evt-vip', 'Identify', { traits: { vip: true } });
    await ingest(JSON.stringify(vip), ports, 'msg-3');
    const again = await ingest(viewed('usr_1', 'evt-view'), ports, 'msg-4');

    // Assess
    expect(first).toMatchObject({ status: 'applied', result: { written: true, enrolled: [] } });
    expect(again).toMatchObject({ status: 'applied', result: { duplicate: true, enrolled: [] } });
  });

  it('counts lastSeenAt as read while an enrollment follows an older version that reads it', () => {
    // Prepare
    const catalog = new JourneyCatalog([recentVisitors('daysSinceLastSeen')]);
    const older = catalog.latestOf('recent-visitors');
    catalog.add(recentVisitors('daysSinceFirstSeen'));
    const state = newCustomerState('usr_1');
    const following = {
      ...state,
      enrollments: [
        {
          id: 'e1',
          journeyId: 'recent-visitors',
          version: older?.version ?? '',
          key: '',
          enteredAt: T0,
          trigger: {
            id: 'x',
            source: 's',
            'detail-type': 'Newsletter Clicked',
            time: '',
            detail: { userId: 'usr_1', properties: {} },
          },
          status: 'active' as const,
          stepId: 'hello',
          holdout: false,
          sends: 0,
          visits: 1,
        },
      ],
    };
    const readers = { catalog, templatesReadLastSeen: false };

    // Act
    const withoutEnrollment = readsLastSeen(readers, state);
    const withEnrollment = readsLastSeen(readers, following);

    // Assess
    expect(withoutEnrollment).toBe(false);
    expect(withEnrollment).toBe(true);
  });

  it('counts any other change, and any effect, as read', () => {
    // Prepare
    const before = newCustomerState('usr_1');
    const seen = {
      ...before,
      seen: SeenMemory.of('20000', 'AAAAAAAAA'),
      profile: { ...before.profile, lastSeenAt: T0 },
    };
    const traits = { ...seen, profile: { ...seen.profile, traits: { plan: 'gold' } } };
    const stale = [
      { type: 'ignored' as const, at: T0, userId: 'usr_1', reason: 'stale-timer' as const, inputKey: 'k' },
    ];
    const stage = [
      {
        type: 'stage-changed' as const,
        at: T0,
        userId: 'usr_1',
        from: null,
        to: 'new' as const,
        reason: 'r',
      },
    ];

    // Act
    const onlyUnread = changesNothingRead(before, seen, [], () => false);
    const lastSeenRead = changesNothingRead(before, seen, [], () => true);
    const traitChanged = changesNothingRead(before, traits, [], () => false);
    const staleTimer = changesNothingRead(before, seen, stale, () => false);
    const withEffect = changesNothingRead(before, seen, stage, () => false);

    // Assess
    expect(onlyUnread).toBe(true);
    expect(lastSeenRead).toBe(false);
    expect(traitChanged).toBe(false);
    expect(staleTimer).toBe(true);
    expect(withEffect).toBe(false);
  });

  it('writes no state for a timer whose enrollment is gone, fired once or twice', async () => {
    // Prepare
    const { states, ports, signed } = await signedUpCustomer();
    const timer = {
      id: 'wait:gone',
      userId: 'usr_1',
      enrollmentId: 'welcome-series:usr_1:gone',
      journeyId: 'welcome-series',
      stepId: 'wait-1',
      dueAt: T0,
      kind: 'duration' as const,
    };

    // Act
    const first = await applyInput('usr_1', { kind: 'timer', timer }, ports, 'timer');
    const again = await applyInput('usr_1', { kind: 'timer', timer }, ports, 'timer');

    // Assess
    for (const result of [first, again]) {
      expect(result.written).toBe(false);
      expect(result.effects.map((e) => (e.type === 'ignored' ? e.reason : e.type))).toEqual([
        'unknown-enrollment',
      ]);
    }
    expect((await states.load('usr_1'))?.version).toBe(signed?.version);
  });
});
