import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirehoseOutcomeLog } from '../../../functions/adapters/firehose/outcome-log.ts';
import { OutcomeRecord } from '../../../functions/core/outcomes/record.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { deliverHandler } from '../../../functions/handlers/deliver/index.ts';
import { ingestHandler } from '../../../functions/handlers/ingest/index.ts';
import { RuntimeEnvironment } from '../../../functions/handlers/shared/environment.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { invocationObservers, settled } from '../../../functions/handlers/shared/outcomes.ts';
import { awsObservers } from '../../../functions/handlers/shared/wiring.ts';
import { timersHandler } from '../../../functions/handlers/timers/index.ts';
import { captureMetrics } from '../capture-metrics.ts';
import {
  lambdaContext,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  signedUp,
  sqsBatch,
  T0,
} from '../support.ts';

const firehose = mockClient(FirehoseClient);
const NO_WAIT = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 };
const STREAM = 'cairn-dev-outcomes';

const firehoseLog = () =>
  new FirehoseOutcomeLog({
    client: new FirehoseClient({ region: 'eu-west-1' }),
    streamName: STREAM,
    retry: NO_WAIT,
  });

/** Every outcome record put on the stream, parsed with the record's schema. */
function recordsPut(): OutcomeRecord[] {
  const decoder = new TextDecoder();
  return firehose
    .commandCalls(PutRecordBatchCommand)
    .flatMap((call) => call.args[0].input.Records ?? [])
    .flatMap((r) => decoder.decode(r.Data).trimEnd().split('\n'))
    .map((line) => OutcomeRecord.parse(JSON.parse(line)));
}

beforeEach(() => {
  firehose.reset();
  firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the outcome log and per-journey counts of a function', () => {
  it('ingest puts the records of a batch on the stream once, at the end of the invocation', async () => {
    // Prepare
    const observers = invocationObservers({ log: firehoseLog(), journeys: ['welcome-series'] });
    const ports = { ...(await memoryPorts()), observer: observers.observer };
    const handler = ingestHandler(async () => ports, observability('ingest-test'), observers.settle);
    const metrics = captureMetrics();

    // Act
    const response = await handler(
      sqsBatch([JSON.stringify(signedUp('usr_1')), JSON.stringify(signedUp('usr_2'))]),
      lambdaContext,
    );

    // Assess
    metrics.stop();
    expect(response).toEqual({ batchItemFailures: [] });
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.DeliveryStreamName).toBe(STREAM);
    const enrolled = recordsPut().filter((r) => r.kind === 'enrolled' && r.journey_id === 'welcome-series');
    expect(enrolled.map((r) => r.user_id).sort()).toEqual(['usr_1', 'usr_2']);
    expect(enrolled.map((r) => r.id).sort()).toEqual(['id:usr_1-signed-up#2', 'id:usr_2-signed-up#2']);
    expect(metrics.total('JourneyEnrollments', { JourneyId: 'welcome-series' })).toBe(2);
  });

  it('publishes per-journey counts without the service dimension, folding unnamed journeys into other', async () => {
    // Prepare: only cart-abandonment has a dimension of its own; welcome-series is "other".
    const observers = invocationObservers({ journeys: ['cart-abandonment'] });
    const ports = { ...(await memoryPorts()), observer: observers.observer };
    const handler = ingestHandler(async () => ports, observability('ingest-test'), observers.settle);
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });

    // Act
    await handler(sqsBatch([JSON.stringify(signedUp('usr_1'))]), lambdaContext);

    // Assess
    const documents = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"JourneyEnrollments"'))
      .map((l) => JSON.parse(l));
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ JourneyId: 'other', JourneyEnrollments: 1 });
    expect(documents[0]).not.toHaveProperty('service');
    expect(documents[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['JourneyId']]);
  });

  it('deliver puts each send decision on the stream and counts messages sent per journey and channel', async () => {
    // Prepare
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'usr_1');
    const bodies = apply.sends.messages.map((m) => JSON.stringify(m.send));
    const observers = invocationObservers({ log: firehoseLog(), journeys: ['welcome-series'] });
    const config = await sampleConfig();
    const ports = {
      apply: { ...apply, observer: observers.observer },
      policies: config.policies,
      policyStore: new InMemoryPolicyStore(),
      defaultTimezone: 'UTC',
      composer: await sampleComposer(),
      channel: new RecordingChannel(),
      now: () => T0,
    };
    const handler = deliverHandler(async () => ports, observability('deliver-test'), observers.settle);
    const metrics = captureMetrics();

    // Act
    await handler(sqsBatch(bodies), lambdaContext);

    // Assess
    metrics.stop();
    const sends = recordsPut().filter((r) => r.kind === 'send');
    expect(sends).toHaveLength(bodies.length);
    expect(sends[0]).toMatchObject({ journey_id: 'welcome-series', status: 'SENT', channel: 'email' });
    expect(sends[0]?.id).toBe(`send:${sends[0]?.message_id}@${new Date(T0).toISOString()}`);
    expect(metrics.total('JourneySends', { JourneyId: 'welcome-series', channel: 'email' })).toBe(
      bodies.length,
    );
  });

  it('timers flushes the records of a sweep', async () => {
    // Prepare: the welcome series waits a day after the welcome email.
    let now = T0;
    const observers = invocationObservers({ log: firehoseLog(), journeys: [] });
    const ports = { ...(await memoryPorts({ now: () => now })), observer: observers.observer };
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    now = T0 + 86_400_000 + 60_000;
    const handler = timersHandler(async () => ports, observability('timers-test'), {
      settle: observers.settle,
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    await handler({ 'detail-type': 'Scheduled Event', time: new Date(now).toISOString() }, lambdaContext);

    // Assess: one put, holding the records of the ingest before and of the sweep.
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(1);
    const steps = recordsPut().filter((r) => r.kind === 'step' && r.user_id === 'usr_1');
    expect(steps.map((r) => r.step_id)).toContain('nudge-push');
  });

  it('settles an invocation that throws too', async () => {
    // Prepare
    const settle = vi.fn(async () => {});
    const obs = observability('settle-test');

    // Act
    const failed = settled(
      async () => {
        throw new Error('DynamoDB unavailable');
      },
      settle,
      obs,
    );

    // Assess
    await expect(failed).rejects.toThrow('DynamoDB unavailable');
    expect(settle).toHaveBeenCalledWith(obs);
  });

  it('a flush Firehose refuses fails no record: it is counted and logged, and its records go with the next', async () => {
    // Prepare: every put refused twice (both attempts), then accepted.
    firehose.reset();
    const refused = { FailedPutCount: 1, RequestResponses: [{ ErrorCode: 'ServiceUnavailableException' }] };
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce(refused)
      .resolvesOnce(refused)
      .resolves({ FailedPutCount: 0, RequestResponses: [] });
    const observers = invocationObservers({ log: firehoseLog(), journeys: [] });
    const ports = { ...(await memoryPorts()), observer: observers.observer };
    const errors: unknown[] = [];
    const obs = observability('ingest-test');
    vi.spyOn(obs.logger, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args);
    });
    const handler = ingestHandler(async () => ports, obs, observers.settle);
    const metrics = captureMetrics();

    // Act
    const first = await handler(sqsBatch([JSON.stringify(signedUp('usr_1'))]), lambdaContext);
    const second = await handler(sqsBatch([JSON.stringify(signedUp('usr_2'))], 'next'), lambdaContext);

    // Assess
    metrics.stop();
    expect(first).toEqual({ batchItemFailures: [] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(metrics.total('OutcomeLogFailures')).toBe(1);
    expect(JSON.stringify(errors)).toContain('outcome records not stored; kept for the next invocation');
    const users = new Set(
      recordsPut()
        .filter((r) => r.kind === 'enrolled')
        .map((r) => r.user_id),
    );
    expect([...users].sort()).toEqual(['usr_1', 'usr_2']);
  });

  it('a re-delivered batch makes no records again, so failing the batch would not recover any', async () => {
    // Prepare
    const observers = invocationObservers({ log: firehoseLog(), journeys: [] });
    const ports = { ...(await memoryPorts()), observer: observers.observer };
    const handler = ingestHandler(async () => ports, observability('ingest-test'), observers.settle);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const batch = sqsBatch([JSON.stringify(signedUp('usr_1'))]);
    await handler(batch, lambdaContext);
    firehose.resetHistory();

    // Act
    await handler(batch, lambdaContext);

    // Assess
    expect(recordsPut()).toEqual([]);
  });

  it('on AWS, writes to the stream CAIRN_OUTCOME_STREAM names, and to none without it', async () => {
    // Prepare
    const env = {
      CAIRN_TABLE_NAME: 'cairn-dev',
      CAIRN_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/ingest',
      CAIRN_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/send',
      CAIRN_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/letters',
    };
    const config = await sampleConfig();
    const withStream = awsObservers({
      env: RuntimeEnvironment.parse({ ...env, CAIRN_OUTCOME_STREAM: STREAM }),
      config,
    });
    const without = awsObservers({ env: RuntimeEnvironment.parse(env), config });
    const ports = await memoryPorts();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    await ingest(JSON.stringify(signedUp('usr_1')), { ...ports, observer: without.observer }, 'msg-1');
    await without.settle(observability('ingest-test'));
    const before = firehose.commandCalls(PutRecordBatchCommand).length;
    await ingest(JSON.stringify(signedUp('usr_2')), { ...ports, observer: withStream.observer }, 'msg-2');
    await withStream.settle(observability('ingest-test'));

    // Assess
    expect(before).toBe(0);
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.DeliveryStreamName)).toEqual([STREAM]);
    expect(recordsPut().some((r) => r.user_id === 'usr_2' && r.kind === 'enrolled')).toBe(true);
  });
});
