import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { deliverHandler } from '../../../functions/handlers/deliver/index.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import {
  lambdaContext,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  signedUp,
  sqsBatch,
  T0,
} from '../support.ts';

const stdout: string[] = [];
beforeEach(() => {
  stdout.length = 0;
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('deliver handler', () => {
  it('sends the valid intents of a batch, reports the broken record, and counts outcomes by channel', async () => {
    // Prepare
    const apply = await memoryPorts();
    for (const user of ['usr_1', 'usr_2']) await ingest(JSON.stringify(signedUp(user)), apply, user);
    const bodies = apply.sends.messages.map((m) => JSON.stringify(m.send));
    apply.sends.messages.length = 0;
    const channel = new RecordingChannel();
    const config = await sampleConfig();
    const handler = deliverHandler(
      async () => ({
        apply,
        policies: config.policies,
        policyStore: new InMemoryPolicyStore(),
        defaultTimezone: 'UTC',
        composer: await sampleComposer(),
        channel,
        now: () => T0,
      }),
      observability('deliver-test'),
    );

    // Act
    const response = await handler(sqsBatch([...bodies, '{"intent": {}}']), lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: `msg-${bodies.length}` }] });
    expect(channel.sent).toHaveLength(bodies.length);
    const outcomes = stdout
      .flatMap((s) => s.split('\n'))
      .filter((l) => l.includes('"SendOutcomes"'))
      .map((l) => JSON.parse(l));
    expect(outcomes).toHaveLength(bodies.length);
    expect(outcomes[0]).toMatchObject({ channel: 'email', status: 'SENT', reason: 'sent', SendOutcomes: 1 });
  });
});
