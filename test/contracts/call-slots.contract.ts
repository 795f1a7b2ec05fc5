import { describe, expect, it } from 'vitest';
import type { CallSlots } from '../../functions/core/ports/call-slots.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const LEASE = 70_000;
const CRM = 'https://crm.example.com';

/**
 * The behaviour every CallSlots must have. The in-memory slots run it in
 * test/core/runtime/in-memory-call-slots.test.ts, the DynamoDB slots on dynalite in
 * test/adapters/dynamodb/call-slots.test.ts.
 */
export function callSlotsContract(name: string, makeSlots: () => CallSlots | Promise<CallSlots>): void {
  describe(`CallSlots contract: ${name}`, () => {
    it('gives exactly max of 12 concurrent acquires of one target', async () => {
      // Prepare
      const slots = await makeSlots();

      // Act
      const taken = await Promise.all(
        Array.from({ length: 12 }, (_, i) => slots.acquire(CRM, `call-${i}`, 3, T0, T0 + LEASE)),
      );

      // Assess
      expect(taken.filter(Boolean)).toHaveLength(3);
    });

    it('frees a slot when it is released, and keeps targets apart', async () => {
      // Prepare
      const slots = await makeSlots();
      expect(await slots.acquire(CRM, 'a', 1, T0, T0 + LEASE)).toBe(true);

      // Act
      const whileHeld = await slots.acquire(CRM, 'b', 1, T0, T0 + LEASE);
      const otherTarget = await slots.acquire('lambda:score', 'b', 1, T0, T0 + LEASE);
      await slots.release(CRM, 'a');
      const afterRelease = await slots.acquire(CRM, 'b', 1, T0 + 1, T0 + LEASE);

      // Assess
      expect(whileHeld).toBe(false);
      expect(otherTarget).toBe(true);
      expect(afterRelease).toBe(true);
    });

    it('lets a holder take its own slot again, and frees a crashed holder slot after its lease', async () => {
      // Prepare
      const slots = await makeSlots();
      await slots.acquire(CRM, 'crashed', 1, T0, T0 + LEASE);

      // Act
      const again = await slots.acquire(CRM, 'crashed', 1, T0 + 5, T0 + LEASE);
      const beforeExpiry = await slots.acquire(CRM, 'next', 1, T0 + LEASE - 1, T0 + 2 * LEASE);
      const afterExpiry = await slots.acquire(CRM, 'next', 1, T0 + LEASE, T0 + 2 * LEASE);
      const third = await slots.acquire(CRM, 'third', 1, T0 + LEASE + 1, T0 + 2 * LEASE);

      // Assess
      expect(again).toBe(true);
      expect(beforeExpiry).toBe(false);
      expect(afterExpiry).toBe(true);
      expect(third).toBe(false);
    });

    it('ignores the release of a slot never held', async () => {
      // Prepare
      const slots = await makeSlots();
      await slots.acquire(CRM, 'a', 1, T0, T0 + LEASE);

      // Act
      await slots.release(CRM, 'stranger');
      await slots.release('https://never.example.com', 'a');

      // Assess
      expect(await slots.acquire(CRM, 'b', 1, T0, T0 + LEASE)).toBe(false);
    });
  });
}
