import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deliverSend } from '../../../functions/core/runtime/deliver.ts';
import type { FeedbackPorts } from '../../../functions/core/runtime/feedback.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { feedbackHandler } from '../../../functions/handlers/feedback/index.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { fixture, lambdaSnsEvent, snsNotification, tagged } from '../../core/runtime/feedback-fixtures.ts';
import { captureMetrics } from '../capture-metrics.ts';
import {
  customerEvent,
  lambdaContext,
  MemoryPublisher,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  sqsBatch,
  T0,
} from '../support.ts';

const BOUNCED = 'recipient@example.com';

function ports(policyStore = new InMemoryPolicyStore()) {
  return { policyStore, events: new MemoryPublisher(), now: () => T0 } satisfies FeedbackPorts;
}

function handlerOver(resolved: FeedbackPorts) {
  return feedbackHandler(async () => resolved, observability('feedback-test'));
}

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('feedback handler', () => {
  it('applies an SQS batch of EventBridge events and SNS messages, and counts what it cannot use', async () => {
    // Prepare
    const resolved = ports();
    const bodies = [
      JSON.stringify(await fixture('ses-eventbridge-bounce.json')),
      JSON.stringify(snsNotification(await tagged('ses-sns-open.json'))),
      JSON.stringify(snsNotification(await fixture('ses-sns-delivery-delay.json'))),
      JSON.stringify({ eventType: 'Teleport', mail: { messageId: 'm-1', destination: [] } }),
      'not json at all',
    ];
    const metrics = captureMetrics();

    // Act
    const response = await handlerOver(resolved)(sqsBatch(bodies), lambdaContext);

    // Assess
    metrics.stop();
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await resolved.policyStore.suppressed([BOUNCED])).toEqual([[BOUNCED, 'hard_bounce']]);
    expect(resolved.events.events.map((e) => e['detail-type'])).toEqual(['Email Opened']);
    expect(metrics.total('FeedbackRecords')).toBe(5);
    expect(metrics.total('Suppressions', { channel: 'email', reason: 'hard_bounce' })).toBe(1);
    expect(metrics.total('MessageStatuses', { channel: 'email', status: 'bounced' })).toBe(1);
    expect(metrics.total('MessageStatuses', { channel: 'email', status: 'opened' })).toBe(1);
    expect(metrics.total('MessageStatuses', { channel: 'email', status: 'delayed' })).toBe(1);
    expect(metrics.total('FeedbackEvents', { event: 'Email Opened' })).toBe(1);
    expect(metrics.total('FeedbackIgnored')).toBe(2);
  });

  it('reports only the record whose write failed, so SQS retries just that one', async () => {
    // Prepare
    const store = new InMemoryPolicyStore();
    const suppress = store.suppress.bind(store);
    store.suppress = async (address, reason) => {
      if (address === '+14255550156') throw new Error('DynamoDB unavailable');
      return suppress(address, reason);
    };
    const resolved = ports(store);
    const sms = await fixture('sms-text-successful.json');
    const bodies = [
      JSON.stringify(await fixture('ses-sns-bounce.json')),
      JSON.stringify({ ...sms, eventType: 'TEXT_OPTED_OUT' }),
    ];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const response = await handlerOver(resolved)(sqsBatch(bodies), lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(await store.suppressed([BOUNCED])).toEqual([[BOUNCED, 'hard_bounce']]);
  });

  it('takes a Lambda SNS event directly: a STOP reply suppresses the number', async () => {
    // Prepare
    const resolved = ports();
    const reply = { ...(await fixture('sms-two-way-inbound.json')), messageBody: 'STOP' };
    const metrics = captureMetrics();

    // Act
    const response = await handlerOver(resolved)(lambdaSnsEvent(reply), lambdaContext);

    // Assess
    metrics.stop();
    expect(response).toBeUndefined();
    expect(await resolved.policyStore.suppressed(['+14255550182'])).toEqual([['+14255550182', 'stop']]);
    expect(metrics.total('Suppressions', { channel: 'sms', reason: 'stop' })).toBe(1);
  });

  it('takes an EventBridge event directly: an SMS delivery tells journeys', async () => {
    // Prepare
    const resolved = ports();
    const metrics = captureMetrics();

    // Act
    await handlerOver(resolved)(await fixture('sms-eventbridge-delivered.json'), lambdaContext);

    // Assess
    metrics.stop();
    expect(resolved.events.events).toMatchObject([
      { 'detail-type': 'SMS Delivered', detail: { userId: 'usr_1001' } },
    ]);
    expect(metrics.total('MessageStatuses', { channel: 'sms', status: 'delivered' })).toBe(1);
  });

  it('counts an opt-out that names no customer, and does not throw on input it does not know', async () => {
    // Prepare
    const resolved = ports();
    const metrics = captureMetrics();

    // Act
    await handlerOver(resolved)(await fixture('ses-subscription-from-field-list.json'), lambdaContext);
    await handlerOver(resolved)({ hello: 'world' }, lambdaContext);

    // Assess
    metrics.stop();
    expect(metrics.total('FeedbackUnattributed', { kind: 'opt-out', channel: 'email' })).toBe(1);
    expect(metrics.total('FeedbackIgnored')).toBe(1);
    expect(resolved.events.events).toEqual([]);
  });

  it('throws on a direct invocation whose write failed, so Lambda retries the event', async () => {
    // Prepare
    const resolved = ports();
    resolved.policyStore.suppress = async () => {
      throw new Error('DynamoDB unavailable');
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    // Act
    const invocation = handlerOver(resolved)(await fixture('ses-eventbridge-bounce.json'), lambdaContext);

    // Assess
    await expect(invocation).rejects.toThrow('DynamoDB unavailable');
  });
});

describe('a hard bounce, then a send', () => {
  it('gives SKIPPED with reason suppressed for a new send to the bounced address', async () => {
    // Prepare: a customer signs up with the address the AWS bounce sample bounces, and is due a welcome email.
    const apply = await memoryPorts();
    const signUp = customerEvent('usr_bounced', 'evt-signed-up', 'Signed Up', {
      traits: { email: BOUNCED, timezone: 'Europe/London' },
    });
    await ingest(JSON.stringify(signUp), apply, 'msg-0');
    const welcome = apply.sends.messages.find((m) => m.send.intent.template === 'welcome');
    if (!welcome) throw new Error('the welcome series intended no welcome email');
    const policyStore = new InMemoryPolicyStore();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await handlerOver(ports(policyStore))(await fixture('ses-eventbridge-bounce.json'), lambdaContext);
    const channel = new RecordingChannel();
    const config = await sampleConfig();

    // Act
    const result = await deliverSend(
      welcome.send,
      {
        apply,
        policies: config.policies,
        policyStore,
        defaultTimezone: 'UTC',
        composer: await sampleComposer(),
        channel,
        now: () => T0,
      },
      'msg-1',
    );

    // Assess
    expect(result.outcome).toMatchObject({ status: 'SKIPPED', reason: 'suppressed', channel: 'email' });
    expect(channel.sent).toEqual([]);
  });
});

describe('feedback handler log lines', () => {
  it('mask every address the provider records carry, at every level', async () => {
    // Prepare: bounces, a delay, a reject, a STOP reply and an SMS status, each naming an address.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const printed: string[] = [];
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      });
    const names = [
      'ses-eventbridge-bounce.json',
      'ses-sns-bounce.json',
      'ses-sns-complaint.json',
      'ses-sns-delivery-delay.json',
      'ses-sns-reject.json',
      'ses-subscription-from-field-list.json',
      'ses-notification-transient-bounce-from-field-list.json',
      'sms-text-successful.json',
      'sms-two-way-inbound.json',
      'sms-eventbridge-delivered.json',
    ];
    const records = await Promise.all(names.map((name) => fixture(name)));
    const bodies = records.map((record) => JSON.stringify(record));
    bodies.push(JSON.stringify({ ...(await fixture('sms-two-way-inbound.json')), messageBody: 'STOP' }));
    bodies.push('{"oops": "recipient@example.com"');

    // A store error that quotes its input, as SDK validation errors can: logged with the failed record.
    const store = new InMemoryPolicyStore();
    store.suppress = async (address) => {
      throw new Error(`ValidationException: item too large for key SUPP#${address}`);
    };

    // Act
    await handlerOver(ports(store))(sqsBatch(bodies), lambdaContext);

    // Assess
    const text = printed.join('');
    expect(text).toContain('"level":"INFO"');
    expect(text).toContain('item too large for key S***@example.com');
    for (const address of [BOUNCED, 'sender@example.com', '+12065550152', '+12125550101', '+14255550156'])
      expect(text).not.toContain(address);
  });

  it('log a status at INFO only when no customer event carries it to the outcome log', async () => {
    // Prepare: an open tagged with Cairn's ids (published as `Email Opened`, which ingest records as a
    // `feedback` outcome) and a delay, which becomes no event.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const resolved = ports();
    const bodies = [
      JSON.stringify(snsNotification(await tagged('ses-sns-open.json'))),
      JSON.stringify(snsNotification(await fixture('ses-sns-delivery-delay.json'))),
    ];

    // Act
    await handlerOver(resolved)(sqsBatch(bodies), lambdaContext);

    // Assess
    const statusLines = printed
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"message status"'))
      .map((line) => JSON.parse(line));
    expect(resolved.events.events.map((e) => e['detail-type'])).toEqual(['Email Opened']);
    expect(statusLines.map((line) => line.status)).toEqual(['delayed']);
  });
});
