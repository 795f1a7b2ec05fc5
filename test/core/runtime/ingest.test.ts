import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { engineContext, type RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import { type ApplyPorts, ingest } from '../../../functions/core/runtime/ingest.ts';
import { customerEvent, memoryPorts, sampleConfig, signedUp, T0 } from '../../handlers/support.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

/** The configuration's catalog without one journey: an instance that has not read its version yet. */
function catalogWithout(config: RuntimeConfig, journeyId: string): JourneyCatalog {
  return new JourneyCatalog(
    [...config.catalog.latest()].filter((j) => j.id !== journeyId).map((j) => j.journey),
  );
}

const exitReasons = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'exited' ? [e.reason] : []));

describe('ingest', () => {
  it('applies a valid event and hands its send and timer on', async () => {
    // Prepare
    const ports = await memoryPorts();

    // Act
    const outcome = await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Assess
    expect(outcome.status).toBe('applied');
    if (outcome.status !== 'applied') return;
    expect(outcome.result.enrolled).toContain('welcome-series');
    expect(ports.sends.messages.map((m) => m.send.intent.template)).toContain('welcome');
    expect(ports.sends.messages.every((m) => m.delaySeconds === 0)).toBe(true);
    expect(ports.timers.size).toBeGreaterThan(0);
    expect((await ports.states.load('usr_1'))?.state.profile.traits.email).toBe('usr_1@example.com');
  });

  it('dead-letters an event that breaks the contract, with its id and field paths, and applies nothing', async () => {
    // Prepare
    const ports = await memoryPorts();
    const broken = { ...customerEvent('usr_1', 'evt-bad'), detail: { userid: 'usr_1' } };

    // Act
    const outcome = await ingest(JSON.stringify(broken), ports, 'msg-7');

    // Assess
    expect(outcome.status).toBe('invalid');
    expect(ports.deadLetters.letters).toEqual([
      expect.objectContaining({
        kind: 'invalid-event',
        eventId: 'evt-bad',
        origin: 'msg-7',
        body: JSON.stringify(broken),
        problems: expect.arrayContaining([expect.objectContaining({ path: 'detail.userid' })]),
      }),
    ]);
    expect(await ports.states.load('usr_1')).toBeUndefined();
  });

  it('dead-letters a body that is not JSON', async () => {
    // Prepare
    const ports = await memoryPorts();

    // Act
    const outcome = await ingest('{"id": ', ports, 'msg-2');

    // Assess
    expect(outcome).toMatchObject({ status: 'invalid', eventId: undefined });
    expect(ports.deadLetters.letters[0]).toMatchObject({ kind: 'invalid-event', body: '{"id": ' });
  });

  it('asks for the versions its catalog lacks before it runs, and keeps an enrollment the answer finds', async () => {
    // Prepare: usr_1 entered welcome-series; an instance whose catalog lacks that version takes the next event
    const full = await sampleConfig();
    const ports = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    const lacking = { ...full, catalog: catalogWithout(full, 'welcome-series') };
    let config = lacking;
    const asked: string[][] = [];
    const instance: ApplyPorts = {
      ...ports,
      context: () => engineContext(config, T0),
      findVersions: async (versions) => {
        asked.push([...versions]);
        config = full; // what a read of the registry finds
      },
    };

    // Act
    const outcome = await ingest(JSON.stringify(customerEvent('usr_1', 'evt-2')), instance, 'msg-2');

    // Assess
    const welcome = full.catalog.latestOf('welcome-series')?.version;
    expect(asked).toEqual([[welcome]]);
    expect(outcome.status === 'applied' && exitReasons(outcome.result.effects)).toEqual([]);
    const stored = await ports.states.load('usr_1');
    expect(stored?.state.enrollments.map((e) => [e.journeyId, e.status])).toContainEqual([
      'welcome-series',
      'active',
    ]);
  });

  it('ends an enrollment whose version is still unknown once asked, or when nothing can be asked', async () => {
    // Prepare
    const full = await sampleConfig();
    const lacking = { ...full, catalog: catalogWithout(full, 'welcome-series') };
    const outcomes = [];
    for (const findVersions of [undefined, async () => {}]) {
      const ports = await memoryPorts();
      await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
      const instance: ApplyPorts = {
        ...ports,
        context: () => engineContext(lacking, T0),
        ...(findVersions ? { findVersions } : {}),
      };

      // Act
      outcomes.push(await ingest(JSON.stringify(customerEvent('usr_1', 'evt-2')), instance, 'msg-2'));
    }

    // Assess
    for (const outcome of outcomes)
      expect(outcome.status === 'applied' && exitReasons(outcome.result.effects)).toEqual([
        'version-unavailable',
      ]);
  });

  it('hands nothing on for an event delivered twice', async () => {
    // Prepare
    const ports = await memoryPorts();
    const body = JSON.stringify(signedUp('usr_1'));
    await ingest(body, ports, 'msg-1');
    const sendsBefore = ports.sends.messages.length;

    // Act
    const again = await ingest(body, ports, 'msg-1-redelivered');

    // Assess
    expect(again).toMatchObject({ status: 'applied', result: { duplicate: true, written: false, sends: 0 } });
    expect(ports.sends.messages).toHaveLength(sendsBefore);
  });

  it('cancels the timer of a wait that an event resolved, using its due time from the stored state', async () => {
    // Prepare: welcome-series waits a day after the welcome email; an order exits the journey.
    const ports = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    const pending = ports.timers.size;

    // Act
    const outcome = await ingest(
      JSON.stringify(customerEvent('usr_1', 'evt-order', 'Order Completed')),
      ports,
      'msg-2',
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'applied' });
    if (outcome.status !== 'applied') return;
    expect(outcome.result.timersCancelled).toBeGreaterThan(0);
    const waits = (await ports.timers.due(Number.MAX_SAFE_INTEGER, 100)).filter(
      (t) => t.kind !== 'lifecycle' && t.kind !== 'segments',
    );
    expect(pending).toBeGreaterThan(0);
    expect(waits).toEqual([]);
  });

  it('dead-letters the effects when handing them on fails after the state was written', async () => {
    // Prepare
    const ports = await memoryPorts();
    ports.sends.enqueue = async () => {
      throw new Error('queue unavailable');
    };

    // Act
    const outcome = await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Assess
    expect(outcome).toMatchObject({ status: 'applied', result: { written: true, deadLettered: true } });
    expect(ports.deadLetters.letters[0]).toMatchObject({
      kind: 'undispatched-effects',
      userId: 'usr_1',
      error: 'queue unavailable',
    });
  });
});

describe('ingest with the delivery policies', () => {
  async function deciding() {
    const config = await sampleConfig();
    const ports = await memoryPorts();
    return { ...ports, delivery: { policies: config.policies, defaultTimezone: 'UTC' } };
  }

  it('hands a send on with its decision and the profile it was made on, and counts it in the state saved', async () => {
    // Prepare
    const ports = await deciding();

    // Act
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Assess
    const [welcome] = ports.sends.messages;
    expect(ports.sends.messages).toHaveLength(1);
    expect(welcome?.send.decided).toMatchObject({
      kind: 'send',
      channel: 'email',
      profile: { email: 'usr_1@example.com' },
    });
    const stored = await ports.states.load('usr_1');
    expect(stored?.version).toBe(1);
    expect(stored?.state.delivery?.counted).toEqual([
      expect.objectContaining({ m: welcome?.send.intent.messageId, r: ['marketing-weekly'] }),
    ]);
  });

  it('hands a send the policies hold on with its outcome, and counts nothing', async () => {
    // Prepare: 23:00 in London, in the quiet hours of email.
    const ports = await deciding();
    const night = Date.parse('2026-11-02T23:00:00Z');
    const config = await sampleConfig();
    ports.context = () => engineContext(config, night);

    // Act
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Assess
    expect(ports.sends.messages.map((m) => m.send.decided)).toEqual([
      {
        kind: 'outcome',
        outcome: {
          status: 'DEFERRED',
          reason: 'quiet_time',
          channel: 'email',
          rule: 'quietHours.email',
          until: Date.parse('2026-11-03T08:00:00Z'),
        },
      },
    ]);
    expect((await ports.states.load('usr_1'))?.state.delivery).toBeUndefined();
  });

  it('hands sends on undecided without the policies, as deliver then decides', async () => {
    // Prepare
    const ports = await memoryPorts();

    // Act
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');

    // Assess
    expect(ports.sends.messages.map((m) => m.send.decided)).toEqual([undefined]);
    expect((await ports.states.load('usr_1'))?.state.delivery).toBeUndefined();
  });
});

describe('ingest on DynamoDB (dynalite)', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('keeps both of two concurrent events of one customer in the profile', async () => {
    // Prepare
    const tableName = await dynamo.createTable();
    const states = new DynamoCustomerStateStore({ client: dynamo.documents, tableName });
    const ports = await memoryPorts({ states });
    const first = customerEvent('usr_1', 'evt-a', 'Profile Updated', { traits: { firstName: 'Maya' } });
    const second = customerEvent('usr_1', 'evt-b', 'Profile Updated', { traits: { lastName: 'Patel' } });

    // Act
    const outcomes = await Promise.all([
      ingest(JSON.stringify(first), ports, 'msg-a'),
      ingest(JSON.stringify(second), ports, 'msg-b'),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    const stored = await states.load('usr_1');
    expect(stored?.state.profile.traits).toMatchObject({ firstName: 'Maya', lastName: 'Patel' });
    expect(stored?.version).toBe(2);
  });
});
