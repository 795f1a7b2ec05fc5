import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../functions/core/engine/catalog.ts';
import { PRINT_CHARS } from '../../functions/core/engine/seen.ts';
import type { OnCap } from '../../functions/core/journeys/schema.ts';
import type { AddressHolders } from '../../functions/core/ports/address-holders.ts';
import type { CustomerStateStore } from '../../functions/core/ports/customer-state-store.ts';
import type { PolicyStore } from '../../functions/core/ports/policy-store.ts';
import type { QueuedSend } from '../../functions/core/ports/send-queue.ts';
import type { StateWithSuppressions } from '../../functions/core/ports/state-with-suppressions.ts';
import { type DeliverPorts, deliverSend } from '../../functions/core/runtime/deliver.ts';
import { InMemoryTimerStore } from '../../functions/core/runtime/in-memory-timer-store.ts';
import { type ApplyPorts, applyInput } from '../../functions/core/runtime/ingest.ts';
import { RecordingChannel } from '../../functions/core/runtime/recording-channel.ts';
import { intent, NOON_PARIS, policies, reachableState } from '../core/policies/support.ts';
import { MemoryDeadLetters, MemoryPublisher, MemorySendQueue, sampleComposer } from '../handlers/support.ts';
import { customerEvent, journeyFromYaml } from '../support/journeys.ts';

/** Every send of this journey is a marketing email (template of the samples), one enrollment per offer. */
const OFFERS = journeyFromYaml(`
id: offers
name: Offers
status: active
entry: { reentry: always, dedupeBy: detail.properties.offer }
trigger: { event: { detail-type: [Offer Viewed] } }
steps:
  - { id: offer-email, type: send, channel: email, template: welcome-nudge }
`);

const WEEKLY = { caps: [{ id: 'weekly', max: 2, per: 'P7D' }] };

export type CustomerDeliveryStores = {
  states: CustomerStateStore & AddressHolders & StateWithSuppressions;
  policyStore: PolicyStore;
};

/** The runtime's ports over the stores: ingest deciding sends, deliver sending them, at a fixed clock. */
async function runtimeOver({ states, policyStore }: CustomerDeliveryStores) {
  const config = policies(WEEKLY);
  const sends = new MemorySendQueue();
  const apply: ApplyPorts = {
    states,
    timers: new InMemoryTimerStore(),
    sends,
    events: new MemoryPublisher(),
    deadLetters: new MemoryDeadLetters(),
    context: () => ({ now: NOON_PARIS, catalog: new JourneyCatalog([OFFERS]), defaultTimezone: 'UTC' }),
    // Up to 50 writers of one customer at once: each lost save is another writer's saved one.
    retry: { maxAttempts: 60 },
    delivery: { policies: config, defaultTimezone: 'UTC' },
  };
  const channel = new RecordingChannel();
  const deliver: DeliverPorts = {
    apply,
    policies: config,
    policyStore,
    defaultTimezone: 'UTC',
    composer: await sampleComposer(() => NOON_PARIS),
    channel,
    now: () => NOON_PARIS,
  };
  return { apply, deliver, sends, channel };
}

const offerViewed = (userId: string, offer: string, traits?: Record<string, string>) =>
  customerEvent('Offer Viewed', userId, NOON_PARIS, { offer }, traits ? { traits } : {});

/**
 * What the runtime's delivery policies need of a customer state store and a policy store sharing one table:
 * caps counted in the customer's state under its version (so concurrent sends never pass a cap), and
 * suppressions that reach the states where the runtime decides. The in-memory stores run it in
 * test/core/policies/customer-delivery.test.ts, the DynamoDB ones on dynalite in
 * test/adapters/dynamodb/customer-delivery.test.ts. Each call of `makeStores` gives empty stores.
 */
export function customerDeliveryContract(
  name: string,
  makeStores: () => CustomerDeliveryStores | Promise<CustomerDeliveryStores>,
): void {
  describe(`delivery in the customer state: ${name}`, () => {
    const expected: Record<OnCap, string> = { skip: 'SKIPPED', defer: 'DEFERRED', drop: 'DROPPED' };
    for (const onCap of ['skip', 'defer', 'drop'] as const) {
      it(`sends exactly 2 of 50 concurrent undecided sends to one customer under 2 per 7 days; the other 48 are ${expected[onCap]} (onCap ${onCap})`, async () => {
        // Prepare
        const stores = await makeStores();
        await stores.states.save(reachableState('ana'), undefined);
        const { deliver, channel } = await runtimeOver(stores);
        const queued: QueuedSend[] = Array.from({ length: 50 }, () => ({
          intent: intent({ userId: 'ana', template: 'welcome-nudge', onCap }),
        }));

        // Act
        const results = await Promise.all(queued.map((q, i) => deliverSend(q, deliver, `msg-${i}`)));

        // Assess
        const outcomes = results.map((r) => r.outcome);
        expect(outcomes.filter((o) => o?.status === 'SENT')).toHaveLength(2);
        const others = outcomes.filter((o) => o?.status !== 'SENT');
        expect(others).toHaveLength(48);
        for (const other of others)
          expect(other).toMatchObject({
            status: expected[onCap],
            reason: 'cap_exceeded',
            rule: 'caps.weekly',
          });
        expect(channel.sent).toHaveLength(2);
        const stored = await stores.states.load('ana');
        expect(stored?.state.delivery?.counted?.map((s) => s.m).sort()).toEqual(
          channel.sent.map((s) => s.message.intent.messageId).sort(),
        );
        // With drop, the 48 ends of enrollment are 48 more writers of one customer: several seconds on dynalite.
      }, 60_000);
    }

    it('decides the sends of 20 concurrent events of one customer in the states they are saved with: 2 pass a cap of 2', async () => {
      // Prepare
      const stores = await makeStores();
      await stores.states.save(reachableState('ana'), undefined);
      const { apply, sends } = await runtimeOver(stores);
      const events = Array.from({ length: 20 }, (_, i) => offerViewed('ana', `offer-${i}`));

      // Act
      await Promise.all(
        events.map((event, i) => applyInput('ana', { kind: 'event', event }, apply, `msg-${i}`)),
      );

      // Assess
      const decided = sends.messages.map((m) => m.send.decided);
      expect(decided).toHaveLength(20);
      expect(decided.filter((d) => d?.kind === 'send')).toHaveLength(2);
      expect(decided.filter((d) => d?.kind === 'outcome')).toHaveLength(18);
      for (const d of decided)
        if (d?.kind === 'outcome')
          expect(d.outcome).toMatchObject({ status: 'SKIPPED', reason: 'cap_exceeded' });
      const stored = await stores.states.load('ana');
      expect(stored?.state.delivery?.counted).toHaveLength(2);
      const remembered = stored?.state.seen?.prints.join('') ?? '';
      expect(remembered).toHaveLength(20 * PRINT_CHARS);
    });

    it('copies a suppression into the state of every customer holding the address, and ingest then skips the send', async () => {
      // Prepare: ana and ben share a family address; cleo has her own.
      const stores = await makeStores();
      const family = 'family@example.com';
      await stores.states.save(reachableState('ana', { email: family }), undefined);
      await stores.states.save(reachableState('ben', { email: family }), undefined);
      await stores.states.save(reachableState('cleo'), undefined);
      const { apply, sends } = await runtimeOver(stores);

      // Act
      await stores.policyStore.suppress(family, 'hard_bounce');
      for (const userId of ['ana', 'ben', 'cleo'])
        await applyInput(userId, { kind: 'event', event: offerViewed(userId, 'o1') }, apply, userId);

      // Assess
      expect((await stores.states.load('ben'))?.state.delivery?.suppressed).toEqual({
        [family]: 'hard_bounce',
      });
      expect(sends.messages.map((m) => [m.send.intent.userId, m.send.decided])).toMatchObject([
        ['ana', { kind: 'outcome', outcome: { status: 'SKIPPED', reason: 'suppressed' } }],
        ['ben', { kind: 'outcome', outcome: { status: 'SKIPPED', reason: 'suppressed' } }],
        ['cleo', { kind: 'send', channel: 'email' }],
      ]);
    });

    it('honours an address suppressed before it entered the profile: it comes with the state the event reads', async () => {
      // Prepare: nobody held the address when it was suppressed.
      const stores = await makeStores();
      await stores.policyStore.suppress('dan@example.com', 'complaint');
      const { apply, sends } = await runtimeOver(stores);

      // Act
      await applyInput(
        'dan',
        { kind: 'event', event: offerViewed('dan', 'o1', { email: 'dan@example.com' }) },
        apply,
        'msg-1',
      );
      const read = await stores.states.loadWithSuppressions('dan', ['dan@example.com', 'eve@example.com']);

      // Assess
      expect(sends.messages.map((m) => m.send.decided)).toMatchObject([
        {
          kind: 'outcome',
          outcome: { status: 'SKIPPED', reason: 'suppressed', rule: 'suppression.complaint' },
        },
      ]);
      expect(read.stored?.state.delivery?.suppressed).toEqual({ 'dan@example.com': 'complaint' });
      expect(read.suppressed).toEqual([['dan@example.com', 'complaint']]);
    });

    it('finds the holders of an address from what was saved last', async () => {
      // Prepare
      const stores = await makeStores();
      const first = await stores.states.save(reachableState('ana', { email: 'old@example.com' }), undefined);
      if (!first.ok) throw new Error('first save');
      await stores.states.save(reachableState('ana', { email: 'new@example.com' }), first.version);
      await stores.states.save(reachableState('ben', { email: 'new@example.com' }), undefined);

      // Act
      const old = await stores.states.holdersOf('old@example.com');
      const current = await stores.states.holdersOf('new@example.com');
      const phone = await stores.states.holdersOf('+33612345678');

      // Assess
      expect(old).toEqual([]);
      expect(current.sort()).toEqual(['ana', 'ben']);
      expect(phone.sort()).toEqual(['ana', 'ben']);
    });
  });
}
