// The log bytes of the cost bench (bench/cost.ts): what the ingest, deliver and feedback handlers write at INFO
// (their log lines and CloudWatch embedded-metric documents), measured by running them on generated input with
// the ports in memory, so that docs/deploy.md's logs line comes from bytes counted, not a guess per invocation.
import { emailTags } from '../functions/adapters/ses/email-tags.ts';
import type { SendIntent } from '../functions/core/engine/state.ts';
import { generateEvents } from '../functions/core/generate/index.ts';
import { InMemoryPolicyStore } from '../functions/core/runtime/in-memory-policy-store.ts';
import { RecordingChannel } from '../functions/core/runtime/recording-channel.ts';
import { deliverHandler } from '../functions/handlers/deliver/index.ts';
import { feedbackHandler } from '../functions/handlers/feedback/index.ts';
import { ingestHandler } from '../functions/handlers/ingest/index.ts';
import { observability } from '../functions/handlers/shared/observability.ts';
import {
  lambdaContext,
  MemoryPublisher,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  sqsBatch,
  T0,
} from '../test/handlers/support.ts';
import { sesEngagementEvent } from '../test/support/ses-feedback.ts';
import type { LogBytes } from './cost-lines.ts';

/**
 * What Lambda itself logs per invocation, outside the handler: its START, END and REPORT lines (about 70, 55 and
 * 180 bytes: request id, durations, memory), and CloudWatch bills 26 bytes more per log event ingested.
 */
const PLATFORM_BYTES_PER_INVOCATION = 70 + 55 + 180 + 3 * 26;
const CLOUDWATCH_BYTES_PER_LINE = 26;
const RECORDS = 10;
/** Generated customers whose first events are measured, 10 to an invocation as the event source batches them. */
const USERS = 50;

/** Runs `handle` on `bodies` 10 to an invocation, with stdout captured: the bytes and lines of them all. */
function inBatchesOf10(
  handle: (event: ReturnType<typeof sqsBatch>, context: typeof lambdaContext) => Promise<unknown>,
  bodies: readonly string[],
): Promise<{ bytes: number; lines: number }> {
  return written(async () => {
    for (let i = 0; i < bodies.length; i += RECORDS)
      await handle(sqsBatch(bodies.slice(i, i + RECORDS)), lambdaContext);
  });
}

/** Runs `act` with stdout captured: the bytes and the lines it wrote. */
async function written(act: () => Promise<unknown>): Promise<{ bytes: number; lines: number }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  try {
    await act();
  } finally {
    process.stdout.write = write;
  }
  const lines = chunks.join('').split('\n').filter(Boolean);
  return { bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0), lines: lines.length };
}

/** Billed bytes of what a handler wrote: its lines, each with CloudWatch's per-event overhead. */
const billed = ({ bytes, lines }: { bytes: number; lines: number }) =>
  bytes + lines * CLOUDWATCH_BYTES_PER_LINE;

/**
 * The log bytes at INFO, per invocation of 10 records and per message and feedback record beyond it: ingest on
 * the first 50 events of generated customers (sign-ups among them enrol and send), deliver on the sends they
 * made, feedback on two SES records (delivered, opened) per email delivered.
 */
export async function measureLogBytes(): Promise<LogBytes> {
  const previous = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  try {
    const apply = await memoryPorts();
    const events = [...generateEvents({ users: USERS, days: 1, seed: 42, start: '2026-11-01' })].slice(
      0,
      USERS,
    );
    const ingest = ingestHandler(async () => apply, observability('ingest'));
    const ingested = await inBatchesOf10(
      ingest,
      events.map((e) => JSON.stringify(e)),
    );

    const sends = apply.sends.messages.map((m) => m.send);
    const channel = new RecordingChannel();
    const config = await sampleConfig();
    const composer = await sampleComposer();
    const deliver = deliverHandler(
      async () => ({
        apply,
        policies: config.policies,
        policyStore: new InMemoryPolicyStore(),
        defaultTimezone: 'UTC',
        composer,
        channel,
        now: () => T0,
      }),
      observability('deliver'),
    );
    const delivered = await inBatchesOf10(
      deliver,
      sends.map((s) => JSON.stringify(s)),
    );

    const emails: SendIntent[] = channel.sent
      .filter(({ message }) => message.channel === 'email')
      .map(({ message }) => message.intent);
    const records = emails.flatMap((intent) =>
      (['Delivery', 'Open'] as const).map((type) =>
        JSON.stringify(sesEngagementEvent(type, `ses-${intent.messageId}`, emailTags(intent), T0)),
      ),
    );
    const feedback = feedbackHandler(
      async () => ({ policyStore: new InMemoryPolicyStore(), events: new MemoryPublisher(), now: () => T0 }),
      observability('feedback'),
    );
    const fedBack = await inBatchesOf10(feedback, records);
    if (sends.length === 0 || records.length === 0)
      throw new Error('cost bench: the generated sign-ups made no sends to measure the logs of');
    return {
      perInvocation: (billed(ingested) / (events.length / RECORDS) + PLATFORM_BYTES_PER_INVOCATION) / 1024,
      perMessage: billed(delivered) / sends.length / 1024,
      perFeedbackRecord: billed(fedBack) / records.length / 1024,
    };
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previous;
  }
}
