import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCustomerStateStore } from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { engineContext } from '../../../functions/handlers/shared/compiled-config.ts';
import { customerEvent, memoryPorts, sampleConfig, signedUp } from '../../handlers/support.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

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
      (t) => t.kind !== 'lifecycle',
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
