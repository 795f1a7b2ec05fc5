import { describe, expect, it } from 'vitest';
import { decideOnClaimed } from '../../functions/core/policies/ledger.ts';
import type { PolicyStore } from '../../functions/core/ports/policy-store.ts';
import {
  claimAndSend,
  type Deliver,
  type ProviderAnswer,
} from '../../functions/core/runtime/claim-and-send.ts';
import { intent, NOON_PARIS } from '../core/policies/support.ts';

const MINUTE = 60_000;

/**
 * The behaviour every PolicyStore must have: the send ledger, also as claimAndSend uses it, and the address
 * suppressions. The in-memory store runs it in test/core/policies/store.test.ts, the DynamoDB store on dynalite
 * in test/adapters/dynamodb/policy-store.test.ts. Caps are counted in the customer's state, not here:
 * test/contracts/customer-delivery.contract.ts.
 */
export function policyStoreContract(name: string, makeStore: () => PolicyStore | Promise<PolicyStore>): void {
  describe(`PolicyStore contract: ${name}`, () => {
    it('lets exactly one of 50 concurrent claims of a message win', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const claims = await Promise.all(Array.from({ length: 50 }, () => store.claim('m1', NOON_PARIS)));

      // Assess
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claim('m2', NOON_PARIS)).toBe(true);
    });

    it('claims a message once: a second claim is refused and leaves the first as it was', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const first = await store.claim('m1', NOON_PARIS);
      const second = await store.claim('m1', NOON_PARIS + MINUTE);

      // Assess
      expect([first, second]).toEqual([true, false]);
      expect(await store.claimOf('m1')).toEqual({
        messageId: 'm1',
        state: 'CLAIMED',
        claimedAt: NOON_PARIS,
        attempt: 1,
      });
      expect(await store.claimOf('never-claimed')).toBeUndefined();
    });

    it('records a completion once, with the provider message id, and never one without a claim', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);

      // Act
      const completed = await store.complete('m1', {
        status: 'SENT',
        at: NOON_PARIS + 1,
        providerMessageId: 'ses-0100',
      });
      const again = await store.complete('m1', { status: 'FAILED', at: NOON_PARIS + 2, error: 'late' });
      const unclaimed = await store.complete('m2', { status: 'SENT', at: NOON_PARIS });

      // Assess
      expect([completed, again, unclaimed]).toEqual([true, false, false]);
      expect(await store.claimOf('m1')).toEqual({
        messageId: 'm1',
        state: 'SENT',
        claimedAt: NOON_PARIS,
        attempt: 1,
        completedAt: NOON_PARIS + 1,
        providerMessageId: 'ses-0100',
      });
      expect(await store.claimOf('m2')).toBeUndefined();
    });

    it('records a failed send with the reason the provider gave', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);

      // Act
      await store.complete('m1', { status: 'FAILED', at: NOON_PARIS + 1, error: 'MessageRejected' });

      // Assess
      expect(await store.claimOf('m1')).toMatchObject({ state: 'FAILED', error: 'MessageRejected' });
    });

    it('releases an open claim so the message can be claimed again, and never a completed one', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);
      await store.claim('m2', NOON_PARIS);
      await store.complete('m2', { status: 'SENT', at: NOON_PARIS + 1, providerMessageId: 'p-2' });

      // Act
      const released = await store.release('m1');
      const reclaimed = await store.claim('m1', NOON_PARIS + 2);
      const completedReleased = await store.release('m2');
      const unknownReleased = await store.release('m3');

      // Assess
      expect([released, reclaimed, completedReleased, unknownReleased]).toEqual([true, true, false, false]);
      expect(await store.claimOf('m1')).toMatchObject({
        state: 'CLAIMED',
        claimedAt: NOON_PARIS + 2,
        attempt: 1,
      });
      expect(await store.claimOf('m2')).toMatchObject({ state: 'SENT', providerMessageId: 'p-2' });
    });

    it('leaves a claim with no completion UNKNOWN once it is old: a marketing message is reported, not resent', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);
      const claim = await store.claimOf('m1');
      if (!claim) throw new Error('claimed above');
      const options = { category: 'marketing', retryUnknown: true, unknownAfterMs: 15 * MINUTE } as const;

      // Act
      const soon = decideOnClaimed(claim, { ...options, now: NOON_PARIS + 14 * MINUTE });
      const later = decideOnClaimed(claim, { ...options, now: NOON_PARIS + 15 * MINUTE });

      // Assess
      expect(soon).toEqual({ action: 'wait', until: NOON_PARIS + 15 * MINUTE });
      expect(later).toEqual({ action: 'report', outcome: 'UNKNOWN' });
    });

    it('lets one of 50 concurrent retries take over an unknown transactional claim when the journey opted in', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);
      const claim = await store.claimOf('m1');
      if (!claim) throw new Error('claimed above');
      const now = NOON_PARIS + 20 * MINUTE;
      const decision = decideOnClaimed(claim, { category: 'transactional', retryUnknown: true, now });
      if (decision.action !== 'retry') throw new Error(`expected a retry, got ${decision.action}`);

      // Act
      const takeovers = await Promise.all(
        Array.from({ length: 50 }, () => store.reclaim('m1', decision.attempt, now)),
      );

      // Assess
      expect(takeovers.filter(Boolean)).toHaveLength(1);
      expect(await store.claimOf('m1')).toMatchObject({ state: 'CLAIMED', attempt: 2, claimedAt: now });
      expect(decideOnClaimed(claim, { category: 'transactional', retryUnknown: false, now })).toEqual({
        action: 'report',
        outcome: 'UNKNOWN',
      });
    });

    it('does not let a retry take over a completed claim', async () => {
      // Prepare
      const store = await makeStore();
      await store.claim('m1', NOON_PARIS);
      await store.complete('m1', { status: 'SENT', at: NOON_PARIS + 1 });

      // Act
      const takeover = await store.reclaim('m1', 1, NOON_PARIS + 20 * MINUTE);

      // Assess
      expect(takeover).toBe(false);
      expect(await store.claimOf('m1')).toMatchObject({ state: 'SENT', attempt: 1 });
    });

    it('remembers suppressed addresses', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      await store.suppress('ana@example.com', 'hard_bounce');
      await store.suppress('+33612345678', 'stop');

      // Assess
      expect(await store.suppressed(['ana@example.com', 'ben@example.com', '+33612345678'])).toEqual([
        ['ana@example.com', 'hard_bounce'],
        ['+33612345678', 'stop'],
      ]);
    });

    it('sends a message delivered 50 times concurrently once; the others are duplicates', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      const sent: string[] = [];
      const deliver: Deliver = async (message) => {
        sent.push(message.messageId);
      };

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS)),
      );

      // Assess
      expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'DROPPED' && o.reason === 'duplicate')).toHaveLength(49);
      expect(sent).toEqual([one.messageId]);
    });

    it('claims a send before the provider call and completes it after, with the provider message id', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      const seen: (string | undefined)[] = [];
      const deliver: Deliver = async (message) => {
        seen.push((await store.claimOf(message.messageId))?.state);
        return { status: 'SENT', providerMessageId: 'ses-0100' };
      };

      // Act
      const outcome = await claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS);

      // Assess
      expect(outcome).toEqual({ status: 'SENT', reason: 'sent', channel: 'email' });
      expect(seen).toEqual(['CLAIMED']);
      expect(await store.claimOf(one.messageId)).toMatchObject({
        state: 'SENT',
        completedAt: NOON_PARIS,
        providerMessageId: 'ses-0100',
      });
    });

    it('releases the claim when the provider refuses for now, so a redrive sends the message', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      const answers: ProviderAnswer[] = [{ status: 'NOT_SENT', error: 'Throttling' }, { status: 'SENT' }];
      let calls = 0;
      const deliver: Deliver = async () => answers[calls++];

      // Act
      await claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS);
      const released = await store.claimOf(one.messageId);
      const redriven = await claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS + MINUTE);

      // Assess
      expect(released).toBeUndefined();
      expect(calls).toBe(2);
      expect(redriven).toMatchObject({ status: 'SENT' });
      expect(await store.claimOf(one.messageId)).toMatchObject({
        state: 'SENT',
        claimedAt: NOON_PARIS + MINUTE,
      });
    });

    it('leaves the claim open when the provider call throws, and a retry of the send does not send it', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      let calls = 0;
      const deliver: Deliver = async () => {
        calls++;
        if (calls === 1) throw new Error('Lambda timed out after the provider call');
      };
      await expect(claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS)).rejects.toThrow('timed out');

      // Act
      const retried = await claimAndSend(store, one, 'email', {}, deliver, NOON_PARIS + MINUTE);

      // Assess
      expect(calls).toBe(1);
      expect(retried).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
      expect(await store.claimOf(one.messageId)).toMatchObject({ state: 'CLAIMED', attempt: 1 });
    });
  });
}
