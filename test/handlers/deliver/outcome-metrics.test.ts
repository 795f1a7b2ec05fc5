import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FailureReason } from '../../../functions/core/policies/failure-reason.ts';
import { OutcomeReason } from '../../../functions/core/policies/outcome.ts';
import type { ChannelPort, ChannelResult } from '../../../functions/core/ports/channel.ts';
import type { DeliverPorts } from '../../../functions/core/runtime/deliver.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { deliverHandler } from '../../../functions/handlers/deliver/index.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import {
  lambdaContext,
  type MemoryPorts,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  signedUp,
  sqsBatch,
  T0,
} from '../support.ts';

const MINUTE = 60_000;
const stdout: string[] = [];
beforeEach(() => {
  stdout.length = 0;
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  // EMF documents and INFO/DEBUG lines go to stdout, WARN and ERROR lines to stderr: both are read as one.
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Every JSON line printed: EMF documents and log lines. */
function printed(): Record<string, unknown>[] {
  return stdout
    .flatMap((s) => s.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** The welcome email intended for usr_1 (usr_1@example.com), as the send queue carries it. */
async function welcomeBody(): Promise<{ apply: MemoryPorts; body: string }> {
  const apply = await memoryPorts();
  await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-1');
  const message = apply.sends.messages.find((m) => m.send.intent.template === 'welcome');
  if (!message) throw new Error('the welcome series intended no welcome email');
  apply.sends.messages.length = 0;
  return { apply, body: JSON.stringify(message.send) };
}

async function handlerOn(apply: MemoryPorts, channel: ChannelPort, now: () => number) {
  const config = await sampleConfig();
  const ports: DeliverPorts = {
    apply,
    policies: config.policies,
    policyStore: new InMemoryPolicyStore(),
    defaultTimezone: 'UTC',
    composer: await sampleComposer(now),
    channel,
    now,
  };
  return deliverHandler(async () => ports, observability('deliver-test'));
}

describe('deliver handler: SendOutcomes', () => {
  it('counts a send whose outcome is unknown once, not once per look at its claim', async () => {
    // Prepare: the provider call throws (a timeout after the request left), so the claim stays open.
    const { apply, body } = await welcomeBody();
    let now = T0;
    const channel: ChannelPort = {
      send: async () => {
        throw new Error('socket hang up after the request was sent');
      },
    };
    const handler = await handlerOn(apply, channel, () => now);
    const first = await handler(sqsBatch([body], 'first'), lambdaContext);

    // Act: SQS redelivers while the claim may still be in flight, then the requeued send comes back stale.
    now = T0 + MINUTE;
    await handler(sqsBatch([body], 'retry'), lambdaContext);
    const requeued = apply.sends.messages.map((m) => JSON.stringify(m.send));
    now = T0 + 16 * MINUTE;
    await handler(sqsBatch(requeued, 'late'), lambdaContext);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(requeued).toHaveLength(1);
    const outcomes = printed().filter((doc) => 'SendOutcomes' in doc);
    expect(outcomes.map((doc) => [doc.status, doc.reason, doc.SendOutcomes])).toEqual([
      ['UNKNOWN', 'unknown_outcome', 1],
    ]);
  });

  it('names a provider refusal by an enum reason and keeps its text, masked, in the log line', async () => {
    // Prepare: SES quotes the address in its message.
    const { apply, body } = await welcomeBody();
    const refusal: ChannelResult = {
      ok: false,
      permanent: true,
      reason:
        'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: usr_1@example.com',
    };
    const handler = await handlerOn(apply, { send: async () => refusal }, () => T0);

    // Act
    await handler(sqsBatch([body]), lambdaContext);

    // Assess
    const lines = printed();
    const outcomes = lines.filter((doc) => 'SendOutcomes' in doc);
    expect(outcomes.map((doc) => [doc.channel, doc.status, doc.reason])).toEqual([
      ['email', 'FAILED', 'provider_rejected'],
    ]);
    const reasons: readonly string[] = [
      ...OutcomeReason.unwrap().options,
      ...FailureReason.unwrap().options,
      'unknown_outcome',
    ];
    for (const doc of outcomes) expect(reasons).toContain(doc.reason);
    expect(stdout.join('')).not.toContain('usr_1@example.com');
    const logged = lines.find((doc) => doc.message === 'provider refused the send');
    expect(logged).toMatchObject({
      level: 'WARN',
      reason: 'provider_rejected',
      detail: expect.stringContaining('identities failed the check in region EU-WEST-1: u***@example.com'),
    });
  });
});
