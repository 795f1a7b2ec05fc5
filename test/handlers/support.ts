import type { CustomerEventInput } from '../../functions/core/events/index.ts';
import type { CustomerStateStore } from '../../functions/core/ports/customer-state-store.ts';
import type { DeadLetter, DeadLetters } from '../../functions/core/ports/dead-letters.ts';
import type { EventPublisher } from '../../functions/core/ports/event-publisher.ts';
import type { Enqueued, SendQueue } from '../../functions/core/ports/send-queue.ts';
import type { TimerStore } from '../../functions/core/ports/timer-store.ts';
import type { MessageComposer } from '../../functions/core/runtime/compose.ts';
import { messageComposer } from '../../functions/core/runtime/compose.ts';
import { engineContext, type RuntimeConfig } from '../../functions/core/runtime/config.ts';
import { InMemoryCustomerStateStore } from '../../functions/core/runtime/in-memory-customer-state-store.ts';
import { InMemoryTimerStore } from '../../functions/core/runtime/in-memory-timer-store.ts';
import type { ApplyPorts } from '../../functions/core/runtime/ingest.ts';
import { loadRuntimeConfig } from '../../functions/handlers/shared/config.ts';

export const T0 = Date.parse('2026-11-02T10:00:00Z');

let config: Promise<RuntimeConfig> | undefined;
/** The sample journeys, lifecycle and policies in journeys/, as a function would load them. */
export function sampleConfig(): Promise<RuntimeConfig> {
  config ??= loadRuntimeConfig('journeys', undefined, 'UTC');
  return config;
}

export class MemorySendQueue implements SendQueue {
  readonly messages: Enqueued[] = [];
  async enqueue(messages: readonly Enqueued[]): Promise<void> {
    this.messages.push(...messages);
  }
}

export class MemoryPublisher implements EventPublisher {
  readonly events: Parameters<EventPublisher['publish']>[0][number][] = [];
  async publish(events: Parameters<EventPublisher['publish']>[0]): Promise<void> {
    this.events.push(...events);
  }
}

export class MemoryDeadLetters implements DeadLetters {
  readonly letters: DeadLetter[] = [];
  async put(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
}

export type MemoryPorts = ApplyPorts & {
  states: CustomerStateStore;
  timers: InMemoryTimerStore;
  sends: MemorySendQueue;
  events: MemoryPublisher;
  deadLetters: MemoryDeadLetters;
};

/** Ports in memory (or with the given state store), at a fixed clock. */
export async function memoryPorts(
  options: { states?: CustomerStateStore; timers?: TimerStore; now?: () => number } = {},
): Promise<MemoryPorts> {
  const loaded = await sampleConfig();
  const now = options.now ?? (() => T0);
  return {
    states: options.states ?? new InMemoryCustomerStateStore(),
    timers: new InMemoryTimerStore(),
    sends: new MemorySendQueue(),
    events: new MemoryPublisher(),
    deadLetters: new MemoryDeadLetters(),
    context: () => engineContext(loaded, now()),
    retry: { sleep: async () => {} },
  };
}

/** A valid customer event; `overrides` replace top-level fields. */
export function customerEvent(
  userId: string,
  id: string,
  detailType = 'Product Viewed',
  extra: Partial<CustomerEventInput['detail']> = {},
): CustomerEventInput {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'com.example.shop',
    time: '2026-11-02T09:59:00Z',
    resources: [],
    detail: { userId, properties: {}, ...extra },
  };
}

export function signedUp(userId: string, id = `${userId}-signed-up`): CustomerEventInput {
  return customerEvent(userId, id, 'Signed Up', {
    traits: { email: `${userId}@example.com`, timezone: 'Europe/London' },
  });
}

/** An SQS batch as the event source mapping delivers it, one record per body. */
export function sqsBatch(bodies: readonly string[], prefix = 'msg') {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `${prefix}-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:cairn-ingest',
      awsRegion: 'eu-west-1',
    })),
  };
}

/** A Lambda context good enough for the Powertools middleware. */
export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cairn-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cairn-test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/cairn-test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
};

/** A test-only signing key (32 bytes); environments keep theirs in SSM. */
export const TEST_UNSUBSCRIBE_KEY = new Uint8Array(32).fill(7);

/** Renders with the sample templates and signs links for https://unsubscribe.test/. */
export async function sampleComposer(now: () => number = () => T0): Promise<MessageComposer> {
  return messageComposer(await sampleConfig(), {
    baseUrl: 'https://unsubscribe.test/',
    keys: { current: TEST_UNSUBSCRIBE_KEY },
    now,
  });
}
