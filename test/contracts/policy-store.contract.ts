import { describe, expect, it } from 'vitest';
import type { OnCap } from '../../functions/core/journeys/schema.ts';
import { decideOnClaimed } from '../../functions/core/policies/ledger.ts';
import { policyPipeline } from '../../functions/core/policies/pipeline.ts';
import type { PolicyStore } from '../../functions/core/policies/store.ts';
import { DAY, intent, NOON_PARIS, policies, reachableState } from '../core/policies/support.ts';

const WEEK = 7 * DAY;
const weekly = { ruleId: 'weekly', max: 2, windowMs: WEEK };
const MINUTE = 60_000;

/**
 * The behaviour every PolicyStore must have. The in-memory store runs it now (test/core/policies/store.test.ts);
 * a DynamoDB store must run the same suite against DynamoDB Local.
 */
export function policyStoreContract(name: string, makeStore: () => PolicyStore | Promise<PolicyStore>): void {
  describe(`PolicyStore contract: ${name}`, () => {
    it('counts up to the maximum, then blocks until the oldest counted send leaves the window', async () => {
      // Prepare
      const store = await makeStore();
      const t0 = NOON_PARIS;

      // Act
      const first = await store.tryCount('ana', 'm1', t0, [weekly]);
      const second = await store.tryCount('ana', 'm2', t0 + DAY, [weekly]);
      const third = await store.tryCount('ana', 'm3', t0 + 2 * DAY, [weekly]);

      // Assess
      expect([first.ok, second.ok]).toEqual([true, true]);
      expect(third).toEqual({ ok: false, blocking: [{ ruleId: 'weekly', freesAt: t0 + WEEK }] });
    });

    it('treats a send exactly one window after the first as a new window, and one millisecond earlier not', async () => {
      // Prepare
      const store = await makeStore();
      const t0 = NOON_PARIS;
      const once = { ruleId: 'once', max: 1, windowMs: WEEK };
      await store.tryCount('ana', 'm1', t0, [once]);

      // Act
      const early = await store.tryCount('ana', 'm2', t0 + WEEK - 1, [once]);
      const onTheBoundary = await store.tryCount('ana', 'm3', t0 + WEEK, [once]);

      // Assess
      expect(early).toEqual({ ok: false, blocking: [{ ruleId: 'once', freesAt: t0 + WEEK }] });
      expect(onTheBoundary).toEqual({ ok: true });
    });

    it('reports every blocking rule, and a blocked attempt counts under none of them', async () => {
      // Prepare
      const store = await makeStore();
      const t0 = NOON_PARIS;
      const daily = { ruleId: 'daily', max: 1, windowMs: DAY };
      const sms = { ruleId: 'sms', max: 5, windowMs: WEEK };
      await store.tryCount('ana', 'm1', t0, [weekly, daily]);
      await store.tryCount('ana', 'm2', t0 + 2 * DAY, [weekly, daily]);

      // Act
      const blocked = await store.tryCount('ana', 'm3', t0 + 2 * DAY + 1, [weekly, daily, sms]);
      const smsAlone = [1, 2, 3, 4, 5, 6].map((i) => store.tryCount('ana', `s${i}`, t0 + 3 * DAY, [sms]));

      // Assess
      expect(blocked).toEqual({
        ok: false,
        blocking: [
          { ruleId: 'weekly', freesAt: t0 + WEEK },
          { ruleId: 'daily', freesAt: t0 + 3 * DAY },
        ],
      });
      // m3 was not counted under sms, so five more fit and the sixth does not (which one loses the race is
      // up to the store).
      const oks = (await Promise.all(smsAlone)).map((r) => r.ok);
      expect(oks.filter(Boolean)).toHaveLength(5);
    });

    it('does not count a message twice, so a retried send costs nothing extra', async () => {
      // Prepare
      const store = await makeStore();

      // Act
      const results = [
        await store.tryCount('ana', 'm1', NOON_PARIS, [weekly]),
        await store.tryCount('ana', 'm1', NOON_PARIS + 1, [weekly]),
        await store.tryCount('ana', 'm2', NOON_PARIS + 2, [weekly]),
        await store.tryCount('ana', 'm3', NOON_PARIS + 3, [weekly]),
      ];

      // Assess
      expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    });

    it('keeps customers apart', async () => {
      // Prepare
      const store = await makeStore();
      const once = { ruleId: 'once', max: 1, windowMs: WEEK };
      await store.tryCount('ana', 'm1', NOON_PARIS, [once]);

      // Act
      const other = await store.tryCount('ben', 'm2', NOON_PARIS, [once]);

      // Assess
      expect(other).toEqual({ ok: true });
    });

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

    const expected: Record<OnCap, { status: string; until?: number }> = {
      skip: { status: 'SKIPPED' },
      defer: { status: 'DEFERRED', until: NOON_PARIS + WEEK },
      drop: { status: 'DROPPED' },
    };
    for (const onCap of ['skip', 'defer', 'drop'] as const) {
      it(`sends exactly 2 of 50 concurrent messages to one customer under 2 per 7 days; the other 48 are ${expected[onCap].status} (onCap ${onCap})`, async () => {
        // Prepare
        const store = await makeStore();
        const pipeline = policyPipeline({
          policies: policies({ caps: [{ id: 'weekly', max: 2, per: 'P7D' }] }),
          store,
          defaultTimezone: 'UTC',
        });
        const state = reachableState('ana');
        const intents = Array.from({ length: 50 }, () => intent({ userId: 'ana', onCap }));

        // Act
        const outcomes = await Promise.all(intents.map((i) => pipeline(i, state, NOON_PARIS)));

        // Assess
        expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(2);
        const others = outcomes.filter((o) => o.status !== 'SENT');
        expect(others).toHaveLength(48);
        for (const other of others)
          expect(other).toMatchObject({ ...expected[onCap], reason: 'cap_exceeded', rule: 'caps.weekly' });
      });
    }

    it('sends a message delivered 50 times concurrently once; the others are duplicates', async () => {
      // Prepare
      const store = await makeStore();
      const pipeline = policyPipeline({ policies: policies({}), store, defaultTimezone: 'UTC' });
      const one = intent({ userId: 'ana' });

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => pipeline(one, reachableState('ana'), NOON_PARIS)),
      );

      // Assess
      expect(outcomes.filter((o) => o.status === 'SENT')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'DROPPED' && o.reason === 'duplicate')).toHaveLength(49);
    });

    it('claims a send before the provider call and completes it after, with the provider message id', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      const seen: (string | undefined)[] = [];
      const pipeline = policyPipeline({
        policies: policies({}),
        store,
        defaultTimezone: 'UTC',
        deliver: async (message) => {
          seen.push((await store.claimOf(message.messageId))?.state);
          return { status: 'SENT', providerMessageId: 'ses-0100' };
        },
      });

      // Act
      const outcome = await pipeline(one, reachableState('ana'), NOON_PARIS);

      // Assess
      expect(outcome).toMatchObject({ status: 'SENT' });
      expect(seen).toEqual(['CLAIMED']);
      expect(await store.claimOf(one.messageId)).toMatchObject({
        state: 'SENT',
        completedAt: NOON_PARIS,
        providerMessageId: 'ses-0100',
      });
    });

    it('leaves the claim open when the provider call throws, and a retry of the send does not send it', async () => {
      // Prepare
      const store = await makeStore();
      const one = intent({ userId: 'ana' });
      let calls = 0;
      const pipeline = policyPipeline({
        policies: policies({}),
        store,
        defaultTimezone: 'UTC',
        deliver: async () => {
          calls++;
          if (calls === 1) throw new Error('Lambda timed out after the provider call');
        },
      });
      await expect(pipeline(one, reachableState('ana'), NOON_PARIS)).rejects.toThrow('timed out');

      // Act
      const retried = await pipeline(one, reachableState('ana'), NOON_PARIS + MINUTE);

      // Assess
      expect(calls).toBe(1);
      expect(retried).toMatchObject({ status: 'DROPPED', reason: 'duplicate' });
      expect(await store.claimOf(one.messageId)).toMatchObject({ state: 'CLAIMED', attempt: 1 });
    });
  });
}
