import { describe, expect, it } from 'vitest';
import type { CallLedger } from '../../functions/core/ports/call-ledger.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/**
 * The behaviour every CallLedger must have. The in-memory ledger runs it in
 * test/core/runtime/in-memory-call-ledger.test.ts, the DynamoDB ledger on dynalite in
 * test/adapters/dynamodb/call-ledger.test.ts.
 */
export function callLedgerContract(name: string, makeLedger: () => CallLedger | Promise<CallLedger>): void {
  describe(`CallLedger contract: ${name}`, () => {
    it('lets exactly one of 20 concurrent claims of a call win', async () => {
      // Prepare
      const ledger = await makeLedger();

      // Act
      const claims = await Promise.all(Array.from({ length: 20 }, () => ledger.claim('c1', T0)));

      // Assess
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await ledger.claimOf('c1')).toEqual({
        callId: 'c1',
        state: 'CLAIMED',
        claimedAt: T0,
        attempt: 1,
      });
      expect(await ledger.claimOf('c2')).toBeUndefined();
    });

    it('records one answer, keeps it, and never overwrites it', async () => {
      // Prepare
      const ledger = await makeLedger();
      await ledger.claim('c1', T0);

      // Act
      const first = await ledger.answer('c1', { ok: true, saved: { tier: 'gold', n: 2 } }, T0 + 1);
      const second = await ledger.answer('c1', { ok: false, reason: 'HTTP 500' }, T0 + 2);
      const unclaimed = await ledger.answer('c9', { ok: false, reason: 'x' }, T0);

      // Assess
      expect([first, second, unclaimed]).toEqual([true, false, false]);
      expect(await ledger.claimOf('c1')).toMatchObject({
        state: 'ANSWERED',
        answer: { ok: true, saved: { tier: 'gold', n: 2 } },
      });
      expect(await ledger.claim('c1', T0 + 3)).toBe(false);
    });

    it('releases only an open claim, so that the call can be claimed again', async () => {
      // Prepare
      const ledger = await makeLedger();
      await ledger.claim('open', T0);
      await ledger.claim('done', T0);
      await ledger.answer('done', { ok: false, reason: 'HTTP 400' }, T0);

      // Act
      const released = await ledger.release('open');
      const notReleased = await ledger.release('done');

      // Assess
      expect([released, notReleased]).toEqual([true, false]);
      expect(await ledger.claim('open', T0 + 1)).toBe(true);
      expect((await ledger.claimOf('done'))?.state).toBe('ANSWERED');
    });

    it('takes over an open claim once per attempt', async () => {
      // Prepare
      const ledger = await makeLedger();
      await ledger.claim('c1', T0);

      // Act
      const [a, b] = await Promise.all([ledger.reclaim('c1', 1, T0 + 5), ledger.reclaim('c1', 1, T0 + 5)]);

      // Assess
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await ledger.claimOf('c1')).toMatchObject({ state: 'CLAIMED', attempt: 2, claimedAt: T0 + 5 });
    });
  });
}
