import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DynamoCustomerStateStore,
  stateItem,
} from '../../../functions/adapters/dynamodb/customer-state-store.ts';
import { itemSize, WRITE_UNIT_BYTES } from '../../../functions/adapters/dynamodb/item-size.ts';
import { DynamoPolicyStore } from '../../../functions/adapters/dynamodb/policy-store.ts';
import { RequestCounter, type RequestCounts } from '../../../functions/adapters/dynamodb/request-counter.ts';
import { DynamoTimerStore } from '../../../functions/adapters/dynamodb/timer-store.ts';
import type { CustomerEventInput } from '../../../functions/core/events/index.ts';
import { engineContext, type RuntimeConfig } from '../../../functions/core/runtime/config.ts';
import type { DeliverPorts } from '../../../functions/core/runtime/deliver.ts';
import type { ApplyPorts } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { templatesReadLastSeen } from '../../../functions/core/runtime/unread-changes.ts';
import { deliverHandler } from '../../../functions/handlers/deliver/index.ts';
import { ingestHandler } from '../../../functions/handlers/ingest/index.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { timersHandler } from '../../../functions/handlers/timers/index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../functions/local/dynalite.ts';
import {
  customerEvent,
  lambdaContext,
  MemoryDeadLetters,
  MemoryPublisher,
  MemorySendQueue,
  sampleComposer,
  sampleConfig,
  signedUp,
  sqsBatch,
  T0,
} from '../../handlers/support.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let dynamo: LocalDynamo;
let config: RuntimeConfig;
beforeAll(async () => {
  [dynamo, config] = await Promise.all([startDynalite(), sampleConfig()]);
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  // The handlers print their metrics (EMF) to stdout; these tests count requests, not metrics.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const scheduled = (at: number) => ({
  version: '0',
  id: `sched-${at}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: new Date(at).toISOString(),
  resources: [],
  detail: {},
});

/**
 * The three handlers on a fresh table, with the ports functions/composition/ gives them on AWS:
 * customer states, the policy store and the send ledger on the client the counter watches. Timers have a
 * client and a counter of their own: docs/data-model.md counts them in their own section. Queues are in
 * memory; `deliver()` hands everything on the send queue to the deliver handler, as SQS would.
 */
async function runtime() {
  const tableName = await dynamo.createTable();
  const timerClient = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const timerRequests = new RequestCounter().attach(timerClient);
  let now = T0;
  const sends = new MemorySendQueue();
  const apply: ApplyPorts = {
    states: new DynamoCustomerStateStore({ client: dynamo.documents, tableName }),
    timers: new DynamoTimerStore({
      client: DynamoDBDocumentClient.from(timerClient),
      tableName,
      shards: 1,
      clock: () => now,
      firstSweepFrom: T0,
    }),
    sends,
    events: new MemoryPublisher(),
    deadLetters: new MemoryDeadLetters(),
    context: () => engineContext(config, now),
    delivery: { policies: config.policies, defaultTimezone: config.defaultTimezone },
    templatesReadLastSeen: templatesReadLastSeen(config.templates),
  };
  const policyStore = new DynamoPolicyStore({ client: dynamo.documents, tableName });
  const channel = new RecordingChannel();
  const deliverPorts: DeliverPorts = {
    apply,
    policies: config.policies,
    policyStore,
    defaultTimezone: config.defaultTimezone,
    composer: await sampleComposer(() => now),
    channel,
    now: () => now,
  };
  const ingest = ingestHandler(async () => apply, observability('budget-ingest'));
  const deliver = deliverHandler(async () => deliverPorts, observability('budget-deliver'));
  const timers = timersHandler(async () => apply, observability('budget-timers'));
  dynamo.counter.take();
  return {
    states: new DynamoCustomerStateStore({ client: dynamo.documents, tableName }),
    policyStore,
    channel,
    timerRequests,
    sends,
    at(time: number) {
      now = time;
    },
    async ingest(event: CustomerEventInput) {
      const response = await ingest(sqsBatch([JSON.stringify(event)]), lambdaContext);
      expect(response).toEqual({ batchItemFailures: [] });
    },
    async sweep() {
      const report = await timers(scheduled(now), lambdaContext);
      expect(report.failed).toBe(0);
      return report;
    },
    /** Every message now on the send queue, through the deliver handler. */
    async deliver() {
      const bodies = sends.messages.splice(0).map((m) => JSON.stringify(m.send));
      const response = await deliver(sqsBatch(bodies), lambdaContext);
      expect(response).toEqual({ batchItemFailures: [] });
      return bodies.length;
    },
  };
}

/** The budget for an event that enrolls and sends, in requests. */
const BUDGET = { reads: 1, writes: 3 };

function total(...counts: RequestCounts[]): { reads: number; writes: number } {
  return counts.reduce((sum, c) => ({ reads: sum.reads + c.reads, writes: sum.writes + c.writes }), {
    reads: 0,
    writes: 0,
  });
}

describe('DynamoDB requests of an event that enrolls and sends, through the ingest and deliver handlers', () => {
  it('costs 1 read and 3 writes in all: a Signed Up enters welcome-series and its welcome email goes out', async () => {
    // Prepare
    const run = await runtime();

    // Act
    await run.ingest(signedUp('ana'));
    const ingest = dynamo.counter.take();
    const delivered = await run.deliver();
    const deliver = dynamo.counter.take();

    // Assess
    expect(delivered).toBe(1);
    expect(run.channel.sent.map((s) => [s.message.channel, s.message.content.templateId])).toEqual([
      ['email', 'welcome'],
    ]);
    expect(ingest).toMatchObject({
      // The state, with the suppression item of the address the event brings (absent), in one request;
      // then the state, with the email counted under marketing-weekly, in one conditional write.
      byOperation: { BatchGetItem: 1, PutItem: 1 },
      errors: {},
    });
    // The ledger's claim before the provider call and its completion after; nothing read.
    expect(deliver).toMatchObject({ byOperation: { PutItem: 1, UpdateItem: 1 }, reads: 0, errors: {} });
    expect(total(ingest, deliver)).toEqual(BUDGET);
    // Counted apart (docs/data-model.md, Timers): the timers the event scheduled, the welcome series' wait of
    // a day and the customer's next lifecycle-stage boundary, one PutItem each.
    expect(run.timerRequests.take()).toMatchObject({ byOperation: { PutItem: 2 }, writes: 2, reads: 0 });
    const stored = await run.states.load('ana');
    if (!stored) throw new Error('ana was saved');
    expect(stored.state.delivery?.counted?.map((s) => s.r)).toEqual([['marketing-weekly']]);
    expect(itemSize(stateItem(stored.state, stored.version))).toBeLessThanOrEqual(WRITE_UNIT_BYTES);
  });

  it('costs the same when the wait ends a day later and the nudge goes out', async () => {
    // Prepare
    const run = await runtime();
    await run.ingest(signedUp('ana'));
    await run.deliver();
    run.at(T0 + DAY + MINUTE);
    dynamo.counter.take();
    run.timerRequests.take();

    // Act
    const report = await run.sweep();
    const timer = dynamo.counter.take();
    await run.deliver();
    const deliver = dynamo.counter.take();

    // Assess
    expect(report.fired).toBe(1);
    expect(run.channel.sent.map((s) => s.message.content.templateId)).toEqual(['welcome', 'welcome-nudge']);
    expect(timer).toMatchObject({ byOperation: { Query: 1, PutItem: 1 }, errors: {} });
    expect(deliver).toMatchObject({ byOperation: { PutItem: 1, UpdateItem: 1 }, reads: 0 });
    expect(total(timer, deliver)).toEqual(BUDGET);
  });

  it('costs 1 read and 1 write, and nothing in deliver, for a send the weekly cap blocks', async () => {
    // Prepare: the welcome email and the nudge are the 2 marketing messages of the week; a cart left on
    // day 2 comes due for its reminder.
    const run = await runtime();
    await run.ingest(signedUp('ana'));
    await run.deliver();
    run.at(T0 + DAY + MINUTE);
    await run.sweep();
    await run.deliver();
    run.at(T0 + 2 * DAY);
    await run.ingest(
      customerEvent('ana', 'ana-cart', 'Product Added', { properties: { cartId: 'c1', name: 'Beans' } }),
    );
    run.at(T0 + 2 * DAY + 31 * MINUTE);
    dynamo.counter.take();

    // Act
    await run.sweep();
    const timer = dynamo.counter.take();
    const queued = run.sends.messages.map((m) => m.send.decided);
    await run.deliver();
    const deliver = dynamo.counter.take();

    // Assess
    expect(queued).toMatchObject([
      {
        kind: 'outcome',
        outcome: { status: 'SKIPPED', reason: 'cap_exceeded', rule: 'caps.marketing-weekly' },
      },
    ]);
    expect(timer).toMatchObject({ byOperation: { Query: 1, PutItem: 1 }, reads: 1, writes: 1 });
    expect(deliver).toMatchObject({ byOperation: {}, reads: 0, writes: 0 });
    expect(run.channel.sent).toHaveLength(2);
  });

  // No journey, segment, stage rule or template reads Product Viewed or when ana was last seen: only a trait
  // it brings is something a decision reads.
  it.each([
    { what: 'no write for an event that changes nothing a decision reads', extra: {}, writes: 0 },
    { what: '1 write for one that changes a trait', extra: { traits: { firstName: 'Ana' } }, writes: 1 },
  ])('costs 1 read and $what, and nothing in deliver', async ({ extra, writes }) => {
    // Prepare
    const run = await runtime();
    await run.ingest(signedUp('ana'));
    await run.deliver();
    dynamo.counter.take();

    // Act
    await run.ingest(
      customerEvent('ana', 'evt-viewed', 'Product Viewed', { properties: { productId: 'p1' }, ...extra }),
    );

    // Assess
    expect(run.sends.messages).toEqual([]);
    expect(dynamo.counter.take()).toMatchObject({
      byOperation: writes === 0 ? { Query: 1 } : { Query: 1, PutItem: 1 },
      reads: 1,
      writes,
      errors: {},
    });
  });
});

describe('DynamoDB requests of sends off the budget path', () => {
  it('costs 2 reads and 3 writes in deliver for a send held by quiet hours, when it is tried again', async () => {
    // Prepare: 23:00 in London, quiet hours until 08:00.
    const run = await runtime();
    const night = Date.parse('2026-11-02T23:00:00Z');
    run.at(night);
    await run.ingest(signedUp('ana'));
    const ingest = dynamo.counter.take();
    await run.deliver();
    const held = dynamo.counter.take();
    const [hop] = run.sends.messages;
    run.at(Date.parse('2026-11-03T08:00:00Z'));

    // Act
    await run.deliver();
    const retried = dynamo.counter.take();

    // Assess
    expect(ingest).toMatchObject({ byOperation: { BatchGetItem: 1, PutItem: 1 }, reads: 1, writes: 1 });
    expect(held).toMatchObject({ reads: 0, writes: 0 });
    expect(hop?.send).toMatchObject({ notBefore: Date.parse('2026-11-03T08:00:00Z') });
    expect(hop?.send.decided).toBeUndefined();
    expect(run.channel.sent.map((s) => s.message.content.templateId)).toEqual(['welcome']);
    // Decided again on the state of the morning: the state and the address's suppression item, then the
    // count in the state; then the claim and the completion.
    expect(retried).toMatchObject({
      byOperation: { Query: 1, BatchGetItem: 1, PutItem: 2, UpdateItem: 1 },
      reads: 2,
      writes: 3,
      errors: {},
    });
  });

  it('honours a bounce recorded after sign-up without a read: the nudge is skipped in ingest', async () => {
    // Prepare
    const run = await runtime();
    await run.ingest(signedUp('ana'));
    await run.deliver();
    dynamo.counter.take();
    await run.policyStore.suppress('ana@example.com', 'hard_bounce');
    const suppress = dynamo.counter.take();
    run.at(T0 + DAY + MINUTE);

    // Act
    await run.sweep();
    const timer = dynamo.counter.take();
    const queued = run.sends.messages.map((m) => m.send.decided);
    await run.deliver();

    // Assess
    expect(suppress).toMatchObject({
      // The address's item, the holders from the email index, then ana's state read and written.
      byOperation: { PutItem: 2, Query: 2 },
      errors: {},
    });
    expect(queued).toMatchObject([
      {
        kind: 'outcome',
        outcome: { status: 'SKIPPED', reason: 'suppressed', rule: 'suppression.hard_bounce' },
      },
    ]);
    expect(timer).toMatchObject({ byOperation: { Query: 1, PutItem: 1 }, reads: 1, writes: 1 });
    expect(dynamo.counter.take()).toMatchObject({ reads: 0, writes: 0 });
    expect(run.channel.sent.map((s) => s.message.content.templateId)).toEqual(['welcome']);
  });

  it('honours an address suppressed before it entered the profile, within the one read of ingest', async () => {
    // Prepare: ben's address complained while another customer held it.
    const run = await runtime();
    await run.policyStore.suppress('ben@example.com', 'complaint');
    dynamo.counter.take();

    // Act
    await run.ingest(signedUp('ben'));
    const ingest = dynamo.counter.take();
    await run.deliver();

    // Assess
    expect(ingest).toMatchObject({ byOperation: { BatchGetItem: 1, PutItem: 1 }, reads: 1, writes: 1 });
    expect(dynamo.counter.take()).toMatchObject({ reads: 0, writes: 0 });
    expect(run.channel.sent).toEqual([]);
    expect((await run.states.load('ben'))?.state.delivery?.suppressed).toEqual({
      'ben@example.com': 'complaint',
    });
  });
});
