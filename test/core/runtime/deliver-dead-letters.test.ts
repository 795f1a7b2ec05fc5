import { describe, expect, it } from 'vitest';
import { deliverSend } from '../../../functions/core/runtime/deliver.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { memoryPorts, sampleComposer, sampleConfig, signedUp, T0 } from '../../handlers/support.ts';

describe('deliverSend when the provider stays unavailable', () => {
  it('fails the send, dead-letters it with its reason, and a redrive of the letter sends it once', async () => {
    // Prepare: a welcome email, and a provider that stays throttled through the adapter's retries.
    const apply = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-1');
    const queued = apply.sends.messages.find((m) => m.send.intent.template === 'welcome')?.send;
    if (!queued) throw new Error('no welcome email');
    let calls = 0;
    const channel = new RecordingChannel(() =>
      ++calls === 1
        ? { ok: false, permanent: false, reason: 'retries-exhausted: ThrottlingException after 4 calls' }
        : { ok: true, providerMessageId: 'ses-2' },
    );
    const ports = {
      apply,
      policies: (await sampleConfig()).policies,
      policyStore: new InMemoryPolicyStore(),
      defaultTimezone: 'UTC',
      composer: await sampleComposer(),
      channel,
      now: () => T0,
    };

    // Act: the send fails; later the letter's intent is put back on the queue (a redrive), twice by mistake.
    const first = await deliverSend(queued, ports, 'sqs-1');
    const redriven = await deliverSend({ intent: queued.intent }, ports, 'redrive-1');
    const again = await deliverSend({ intent: queued.intent }, ports, 'redrive-2');

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
    expect(redriven.outcome).toMatchObject({ status: 'SENT', providerMessageId: 'ses-2' });
    expect(again.outcome).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
    expect(channel.sent.map((s) => s.providerMessageId)).toEqual(['ses-2']);
    expect(await ports.policyStore.claimOf(queued.intent.messageId)).toMatchObject({ state: 'SENT' });
    expect(apply.deadLetters.letters).toHaveLength(1);
  });
});
