import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../functions/core/ports/observer.ts';
import { MAX_DELAY_SECONDS, type QueuedSend } from '../../../functions/core/ports/send-queue.ts';
import { type DeliverPorts, deliverSend, holdDelaySeconds } from '../../../functions/core/runtime/deliver.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import {
  type MemoryPorts,
  memoryPorts,
  sampleComposer,
  sampleConfig,
  signedUp,
  T0,
} from '../../handlers/support.ts';

const MINUTE = 60_000;

/**
 * A signed-up customer (email, Europe/London) and the welcome email the engine intended for them; decided by
 * ingest when it has the delivery policies (at `at`), undecided otherwise.
 */
async function welcomeEmail(decideAt?: number): Promise<{ apply: MemoryPorts; queued: QueuedSend }> {
  const config = await sampleConfig();
  const apply = await memoryPorts(decideAt === undefined ? {} : { now: () => decideAt });
  if (decideAt !== undefined) apply.delivery = { policies: config.policies, defaultTimezone: 'UTC' };
  await ingest(JSON.stringify(signedUp('usr_1')), apply, 'msg-1');
  const message = apply.sends.messages.find((m) => m.send.intent.template === 'welcome');
  if (!message) throw new Error('the welcome series intended no welcome email');
  apply.sends.messages.length = 0;
  return { apply, queued: message.send };
}

async function deliverPorts(
  apply: MemoryPorts,
  overrides: Partial<DeliverPorts> = {},
): Promise<DeliverPorts> {
  const config = await sampleConfig();
  return {
    apply,
    policies: config.policies,
    policyStore: new InMemoryPolicyStore(),
    defaultTimezone: 'UTC',
    composer: await sampleComposer(),
    channel: new RecordingChannel(),
    now: () => T0,
    ...overrides,
  };
}

describe('deliverSend', () => {
  it('sends through the policies to the channel and completes the ledger', async () => {
    // Prepare
    const { apply, queued } = await welcomeEmail();
    const channel = new RecordingChannel();
    const ports = await deliverPorts(apply, { channel });

    // Act
    const result = await deliverSend(queued, ports, 'msg-1');

    // Assess
    expect(result.outcome).toMatchObject({
      status: 'SENT',
      channel: 'email',
      providerMessageId: 'recorded-1',
    });
    expect(channel.sent.map((s) => s.message.intent.messageId)).toEqual([queued.intent.messageId]);
    expect(await ports.policyStore.claimOf(queued.intent.messageId)).toMatchObject({ state: 'SENT' });
  });

  it('sends at most once when the handler throws after the provider call and the message is retried', async () => {
    // Prepare: the provider takes the message, then the worker dies before completing the ledger.
    const { apply, queued } = await welcomeEmail();
    let calls = 0;
    const channel = new RecordingChannel(() => {
      calls++;
      return { ok: true, providerMessageId: `p-${calls}` };
    });
    let now = T0;
    const ports = await deliverPorts(apply, { channel, now: () => now });
    const crashing = {
      ...ports,
      channel: {
        send: async (...args: Parameters<RecordingChannel['send']>) => {
          await channel.send(...args);
          throw new Error('worker crashed after the provider call');
        },
      },
    };
    await expect(deliverSend(queued, crashing, 'msg-1')).rejects.toThrow('crashed');

    // Act: SQS redelivers at once, and again after the claim went stale.
    const retried = await deliverSend(queued, ports, 'msg-1');
    now = T0 + 16 * MINUTE;
    const late = await deliverSend(queued, ports, 'msg-1');

    // Assess
    expect(calls).toBe(1);
    // Not over while the claim may be in flight: no outcome yet, so it is told and counted once, when it is.
    expect(retried.outcome).toBeUndefined();
    expect(retried.requeued?.notBefore).toBe(T0 + 15 * MINUTE);
    expect(late.outcome).toMatchObject({ status: 'UNKNOWN', reason: 'unknown_outcome', attempt: 1 });
    expect(late.requeued).toBeUndefined();
  });

  it('holds a send in quiet hours on the queue, hopping at most 15 minutes at a time', async () => {
    // Prepare: 23:00 in London, quiet hours until 08:00.
    const { apply, queued } = await welcomeEmail();
    const night = Date.parse('2026-11-02T23:00:00Z');
    const ports = await deliverPorts(apply, { now: () => night });

    // Act
    const held = await deliverSend(queued, ports, 'msg-1');
    const hop = apply.sends.messages[0];
    const early = hop ? await deliverSend(hop.send, ports, 'msg-2') : undefined;

    // Assess
    expect(held.outcome).toMatchObject({ status: 'DEFERRED', reason: 'quiet_time' });
    expect(hop?.delaySeconds).toBe(MAX_DELAY_SECONDS);
    expect(hop?.send.notBefore).toBe(Date.parse('2026-11-03T08:00:00Z'));
    expect(early).toMatchObject({ outcome: undefined, requeued: { delaySeconds: MAX_DELAY_SECONDS } });
  });

  it('reports a provider refusal as FAILED with its reason, and does not resend it', async () => {
    // Prepare
    const { apply, queued } = await welcomeEmail();
    const channel = new RecordingChannel(() => ({ ok: false, permanent: true, reason: 'invalid_address' }));
    const ports = await deliverPorts(apply, { channel });

    // Act
    const result = await deliverSend(queued, ports, 'msg-1');
    const again = await deliverSend(queued, ports, 'msg-1');

    // Assess
    expect(result.outcome).toEqual({
      status: 'FAILED',
      reason: 'invalid_address',
      channel: 'email',
      permanent: true,
    });
    expect(await ports.policyStore.claimOf(queued.intent.messageId)).toMatchObject({ state: 'FAILED' });
    expect(again.outcome).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
    expect(again.requeued).toBeUndefined();
  });

  it('tells the outcome of a sent message once, not again as a duplicate when it is re-delivered', async () => {
    // Prepare
    const { apply, queued } = await welcomeEmail();
    const observed: Observation[] = [];
    const ports = await deliverPorts({ ...apply, observer: { observe: (o) => observed.push(o) } });

    // Act
    await deliverSend(queued, ports, 'msg-1');
    const again = await deliverSend(queued, ports, 'msg-1-again');

    // Assess
    expect(again.outcome).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
    const delivered = observed.flatMap((o) => (o.type === 'delivered' ? [o.outcome.status] : []));
    expect(delivered).toEqual(['SENT']);
  });

  it('counts an undecided send in the customer state, once however often it is retried', async () => {
    // Prepare
    const { apply, queued } = await welcomeEmail();
    const ports = await deliverPorts(apply);

    // Act
    await deliverSend(queued, ports, 'msg-1');
    await deliverSend(queued, ports, 'msg-1-again');

    // Assess
    const stored = await apply.states.load('usr_1');
    expect(stored?.state.delivery?.counted?.map((s) => s.m)).toEqual([queued.intent.messageId]);
  });

  it.each([
    { late: 'by 47 seconds (a retried delivery)', lateMs: 47_000, countedLate: false },
    { late: 'by an hour (a backlog)', lateMs: 60 * MINUTE, countedLate: true },
  ])(
    'decides a held send that comes back late $late as of the end of its hold, within 15 minutes',
    async ({ lateMs, countedLate }) => {
      // Prepare: held until 08:00 by quiet hours; a delivery attempt failed, so it is handled later.
      const { apply, queued } = await welcomeEmail();
      const endOfHold = Date.parse('2026-11-03T08:00:00Z');
      const ports = await deliverPorts(apply, { now: () => endOfHold + lateMs });

      // Act
      const result = await deliverSend({ ...queued, notBefore: endOfHold }, ports, 'msg-1');

      // Assess: the cap counts the send at the time the caps of every later send are measured from.
      expect(result.outcome).toMatchObject({ status: 'SENT' });
      const stored = await apply.states.load('usr_1');
      const countedAt = stored?.state.delivery?.counted?.map((s) => s.t);
      expect(countedAt).toEqual([countedLate ? endOfHold + lateMs : endOfHold]);
    },
  );
});

describe('deliverSend of a send ingest decided', () => {
  const unreadable = async () => {
    throw new Error('deliver read the customer state');
  };

  it('claims, composes from the profile it carries and sends, without reading the customer', async () => {
    // Prepare
    const { apply, queued } = await welcomeEmail(T0);
    apply.states.load = unreadable;
    const channel = new RecordingChannel();
    const ports = await deliverPorts(apply, { channel });

    // Act
    const result = await deliverSend(queued, ports, 'msg-1');

    // Assess
    expect(queued.decided?.kind).toBe('send');
    expect(result.outcome).toMatchObject({
      status: 'SENT',
      channel: 'email',
      providerMessageId: 'recorded-1',
    });
    expect(channel.sent.map((s) => s.message)).toMatchObject([
      { channel: 'email', to: 'usr_1@example.com', content: { templateId: 'welcome' } },
    ]);
    expect(await ports.policyStore.claimOf(queued.intent.messageId)).toMatchObject({ state: 'SENT' });
  });

  it('reports a held send without reading, and puts it back undecided, to be decided again when due', async () => {
    // Prepare: 23:00 in London, quiet hours until 08:00.
    const night = Date.parse('2026-11-02T23:00:00Z');
    const { apply, queued } = await welcomeEmail(night);
    const load = apply.states.load.bind(apply.states);
    apply.states.load = unreadable;
    const ports = await deliverPorts(apply, { now: () => night });

    // Act
    const held = await deliverSend(queued, ports, 'msg-1');
    const [hop] = apply.sends.messages;

    // Assess
    expect(held.outcome).toMatchObject({ status: 'DEFERRED', reason: 'quiet_time' });
    expect(hop?.send).toEqual({ intent: queued.intent, notBefore: Date.parse('2026-11-03T08:00:00Z') });
    expect((await load('usr_1'))?.state.delivery).toBeUndefined();
  });
});

describe('holdDelaySeconds', () => {
  const QUARTER_HOUR_MS = MAX_DELAY_SECONDS * 1000;

  it('brings a send back at its time when SQS can delay it that long, never later', () => {
    // Prepare
    const now = Date.parse('2026-11-03T07:50:00Z');

    // Act
    const delay = holdDelaySeconds(Date.parse('2026-11-03T08:00:00Z'), now);

    // Assess
    expect(delay).toBe(600);
  });

  it('hops a longer hold onto the quarter-hours counted back from its end, so held sends hop in step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 86_400 }),
        (heldAtSeconds, heldForSeconds) => {
          // Prepare: a send held at some second of a day, for up to a day.
          const now = Date.parse('2026-11-03T00:00:00Z') + heldAtSeconds * 1000;
          const notBefore = now + heldForSeconds * 1000 + QUARTER_HOUR_MS + 1000;

          // Act
          const delay = holdDelaySeconds(notBefore, now);

          // Assess: between 1 s and 15 min, landing k quarter-hours before the end.
          expect(delay).toBeGreaterThanOrEqual(1);
          expect(delay).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
          expect((notBefore - (now + delay * 1000)) % QUARTER_HOUR_MS).toBe(0);
        },
      ),
    );
  });

  it('hops two sends held until the same time in step, when a hop of one is handled late', () => {
    // Prepare: held at 00:14 and 01:08 until 08:00; the first one's hop at 03:00 is handled 30 s late (a retry).
    const end = Date.parse('2026-11-03T08:00:00Z');
    const hops = (heldAt: number, lateAt?: number): number[] => {
      const times: number[] = [];
      for (let at = heldAt; at < end; ) {
        at += holdDelaySeconds(end, at) * 1000;
        if (at === lateAt) at += 30_000;
        times.push(at);
      }
      return times;
    };

    // Act
    const first = hops(Date.parse('2026-11-03T00:14:00Z'), Date.parse('2026-11-03T03:00:00Z'));
    const second = hops(Date.parse('2026-11-03T01:08:00Z'));

    // Assess: both come back at 08:00, after a last hop from 07:45, so the queue keeps the order they were held in.
    expect(first.at(-1)).toBe(end);
    expect(second.at(-1)).toBe(end);
    expect(first.at(-2)).toBe(end - QUARTER_HOUR_MS);
    expect(second.at(-2)).toBe(end - QUARTER_HOUR_MS);
  });
});
