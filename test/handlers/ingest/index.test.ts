import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqsDeadLetters } from '../../../functions/adapters/sqs/dead-letters.ts';
import { ingestHandler } from '../../../functions/handlers/ingest/index.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { gate } from '../../support/gate.ts';
import { captureMetrics } from '../capture-metrics.ts';
import { customerEvent, lambdaContext, memoryPorts, signedUp, sqsBatch } from '../support.ts';

const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/cairn-dead-letters';

beforeEach(() => {
  // Logs are not what these tests assert; the metrics are read from stdout.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('ingest handler', () => {
  it('processes the 9 valid events of a batch of 10 and dead-letters the malformed one with its reason', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    const ports = {
      ...(await memoryPorts()),
      deadLetters: new SqsDeadLetters({ client: new SQSClient({ region: 'eu-west-1' }), queueUrl: DLQ }),
    };
    const bodies = Array.from({ length: 10 }, (_, i) => JSON.stringify(signedUp(`usr_${i}`)));
    const malformed = { ...customerEvent('usr_4', 'evt-malformed'), detail: { userId: '' } };
    bodies[4] = JSON.stringify(malformed);
    const metrics = captureMetrics();
    const handler = ingestHandler(async () => ports, observability('ingest-test'));

    // Act
    const response = await handler(sqsBatch(bodies), lambdaContext);

    // Assess
    metrics.stop();
    expect(response).toEqual({ batchItemFailures: [] });
    for (const i of [0, 1, 2, 3, 5, 6, 7, 8, 9]) expect(await ports.states.load(`usr_${i}`)).toBeDefined();
    expect(await ports.states.load('usr_4')).toBeUndefined();
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    const input = sent[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(DLQ);
    expect(input?.MessageAttributes?.eventId?.StringValue).toBe('evt-malformed');
    expect(input?.MessageAttributes?.paths?.StringValue).toBe('detail.userId');
    expect(JSON.parse(input?.MessageBody ?? '{}')).toMatchObject({
      kind: 'invalid-event',
      origin: 'msg-4',
      problems: [{ path: 'detail.userId' }],
    });
    expect(metrics.total('EventsIn')).toBe(10);
    expect(metrics.total('InvalidEvents')).toBe(1);
    expect(metrics.total('DeadLetters', { kind: 'invalid-event' })).toBe(1);
    expect(metrics.total('Enrollments')).toBeGreaterThanOrEqual(9);
    sqs.restore();
  });

  it('counts what an applied event did: its enrollment, a write lost to a race, effects dead-lettered', async () => {
    // Prepare: the first save loses to a concurrent writer, and the send queue is down.
    const ports = await memoryPorts();
    const save = ports.states.save.bind(ports.states);
    let saves = 0;
    ports.states.save = async (state, version) =>
      ++saves === 1 ? { ok: false, reason: 'conflict' } : save(state, version);
    ports.sends.enqueue = async () => {
      throw new Error('SQS unavailable');
    };
    const metrics = captureMetrics();
    const handler = ingestHandler(async () => ports, observability('ingest-test'));

    // Act
    const response = await handler(sqsBatch([JSON.stringify(signedUp('usr_1'))]), lambdaContext);

    // Assess
    metrics.stop();
    expect(response).toEqual({ batchItemFailures: [] });
    expect(ports.deadLetters.letters).toEqual([expect.objectContaining({ kind: 'undispatched-effects' })]);
    expect(metrics.total('Enrollments')).toBe(1);
    expect(metrics.total('StateWriteRetries')).toBe(1);
    expect(metrics.total('DeadLetters', { kind: 'undispatched-effects' })).toBe(1);
    expect(metrics.total('SendIntents')).toBe(0);
  });

  it('reports only the records that failed, by message id, so SQS retries just those', async () => {
    // Prepare: the state store is down for one customer.
    const ports = await memoryPorts();
    const load = ports.states.load.bind(ports.states);
    ports.states.load = async (userId) => {
      if (userId === 'usr_2') throw new Error('DynamoDB unavailable');
      return load(userId);
    };
    const bodies = ['usr_1', 'usr_2', 'usr_3'].map((u) => JSON.stringify(signedUp(u)));
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(sqsBatch(bodies), lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(await ports.states.load('usr_1')).toBeDefined();
    expect(await ports.states.load('usr_3')).toBeDefined();
  });

  it("applies two interleaved customers' records in order per customer, the other customer's while one is held", async () => {
    // Prepare: customer a's first read waits for the test; the observer records each customer's applied inputs.
    const ports = await memoryPorts();
    const held = gate();
    const bDone = gate();
    const loadWithSuppressions = ports.states.loadWithSuppressions?.bind(ports.states);
    const load = ports.states.load.bind(ports.states);
    let aReads = 0;
    const holdFirstOfA = async (userId: string) => {
      if (userId === 'usr_a' && ++aReads === 1) await held.opened;
    };
    ports.states.load = async (userId) => {
      await holdFirstOfA(userId);
      return load(userId);
    };
    if (loadWithSuppressions)
      ports.states.loadWithSuppressions = async (userId, addresses) => {
        await holdFirstOfA(userId);
        return loadWithSuppressions(userId, addresses);
      };
    const applied: Record<string, string[]> = { usr_a: [], usr_b: [] };
    ports.observer = {
      observe: (seen) => {
        if (seen.type !== 'applied') return;
        applied[seen.userId]?.push(seen.origin);
        if (applied.usr_b?.length === 3) bDone.open();
      },
    };
    const bodies = [
      signedUp('usr_a'),
      signedUp('usr_b'),
      customerEvent('usr_a', 'a-2'),
      customerEvent('usr_b', 'b-2'),
      customerEvent('usr_a', 'a-3'),
      customerEvent('usr_b', 'b-3'),
    ].map((event) => JSON.stringify(event));
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const invocation = handler(sqsBatch(bodies), lambdaContext);
    await bDone.opened;
    const aWhileHeld = { applied: [...(applied.usr_a ?? [])], reads: aReads };
    held.open();
    const response = await invocation;

    // Assess
    expect(aWhileHeld).toEqual({ applied: [], reads: 1 });
    expect(applied).toEqual({ usr_a: ['msg-0', 'msg-2', 'msg-4'], usr_b: ['msg-1', 'msg-3', 'msg-5'] });
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await ports.states.load('usr_a'))?.version).toBe(3);
  });

  it("reports a customer's failed record alone and still applies that customer's later records", async () => {
    // Prepare: the second read of customer a fails.
    const ports = await memoryPorts();
    const load = ports.states.load.bind(ports.states);
    let aReads = 0;
    ports.states.load = async (userId) => {
      if (userId === 'usr_a' && ++aReads === 2) throw new Error('DynamoDB unavailable');
      return load(userId);
    };
    const applied: string[] = [];
    ports.observer = { observe: (seen) => (seen.type === 'applied' ? applied.push(seen.origin) : undefined) };
    const bodies = [
      customerEvent('usr_a', 'a-1'),
      customerEvent('usr_b', 'b-1'),
      customerEvent('usr_a', 'a-2'),
      customerEvent('usr_a', 'a-3'),
    ].map((event) => JSON.stringify(event));
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(sqsBatch(bodies), lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    expect(applied.toSorted()).toEqual(['msg-0', 'msg-1', 'msg-3']);
    expect(applied.indexOf('msg-0')).toBeLessThan(applied.indexOf('msg-3'));
  });

  it('reports every record when the whole batch fails, rather than throwing', async () => {
    // Prepare
    const ports = await memoryPorts();
    ports.states.load = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(
      sqsBatch([JSON.stringify(signedUp('a')), JSON.stringify(signedUp('b'))]),
      lambdaContext,
    );

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'msg-0' }, { itemIdentifier: 'msg-1' }],
    });
  });

  it('accepts an EventBridge event invoked directly', async () => {
    // Prepare
    const ports = await memoryPorts();
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handler(signedUp('usr_direct'), lambdaContext);

    // Assess
    expect(response).toBeUndefined();
    expect(await ports.states.load('usr_direct')).toBeDefined();
    expect(ports.sends.messages.length).toBeGreaterThan(0);
  });

  it('dead-letters an invalid event invoked directly, and throws for one that failed so Lambda retries it', async () => {
    // Prepare
    const ports = await memoryPorts();
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const invalid = { ...customerEvent('u', 'evt-x'), time: 'yesterday' };

    // Act
    await handler(invalid, lambdaContext);
    ports.states.load = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const failing = handler(signedUp('usr_9'), lambdaContext);

    // Assess
    expect(ports.deadLetters.letters).toEqual([
      expect.objectContaining({ kind: 'invalid-event', eventId: 'evt-x', origin: 'direct' }),
    ]);
    await expect(failing).rejects.toThrow('DynamoDB unavailable');
  });

  it('refuses a payload that is neither an SQS batch nor an EventBridge event', async () => {
    // Prepare
    const ports = await memoryPorts();
    const handler = ingestHandler(async () => ports, observability('ingest-test'));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const invocation = handler({ hello: 'world' }, lambdaContext);

    // Assess
    await expect(invocation).rejects.toThrow();
    expect(ports.deadLetters.letters).toEqual([]);
  });
});
