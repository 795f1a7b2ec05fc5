import { describe, expect, it } from 'vitest';
import { InMemoryPolicyStore } from '../../../functions/core/policies/store.ts';
import { deliverSend } from '../../../functions/core/runtime/deliver.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { memoryPorts, sampleComposer, sampleConfig, signedUp, T0 } from '../../handlers/support.ts';

describe('deliverSend when the provider stays unavailable', () => {
  it('fails the send, dead-letters it with its reason for a redrive, and does not resend it on a retry', async () => {
    // Prepare: a welcome email, and a provider that stays throttled through the adapter's retries.
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-1');
    const queued = apply.sends.messages.find((m) => m.send.intent.template === 'welcome')?.send;
    if (!queued) throw new Error('no welcome email');
    const channel = new RecordingChannel(() => ({
      ok: false,
      permanent: false,
      reason: 'retries-exhausted: ThrottlingException after 4 calls',
    }));
    const ports = {
      apply,
      policies: (await sampleConfig()).policies,
      policyStore: new InMemoryPolicyStore(),
      defaultTimezone: 'UTC',
      composer: await sampleComposer(),
      channel,
      now: () => T0,
    };

    // Act
    const first = await deliverSend(queued, ports, 'sqs-1');
    const retried = await deliverSend(queued, ports, 'sqs-1');

    // Assess
    expect(first.outcome).toMatchObject({ status: 'FAILED', permanent: false, channel: 'email' });
    expect(first.deadLettered).toBe(true);
    expect(apply.deadLetters.letters).toEqual([
      {
        kind: 'undelivered-send',
        messageId: queued.intent.messageId,
        userId: 'usr_1',
        channel: 'email',
        reason: 'retries-exhausted: ThrottlingException after 4 calls',
        intent: queued.intent,
        origin: 'sqs-1',
      },
    ]);
    expect(retried.outcome).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
    expect(apply.deadLetters.letters).toHaveLength(1);
  });
});
