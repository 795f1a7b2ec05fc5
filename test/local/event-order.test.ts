import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

// Arrival order (issue 20, item 1): an event file's lines arrive in the file's order, and a line dated before
// the clock arrives late, at once (functions/local/replay.ts). The sample cart-abandonment journey, whose goal
// correlates on the cart, through both machines.

function line(id: string, time: string, type: string, properties: Record<string, unknown>): string {
  const detail = {
    userId: 'ana',
    properties,
    traits: { email: 'ana@example.com', timezone: 'Europe/London' },
  };
  return JSON.stringify({ version: '0', id, source: 'com.example.shop', 'detail-type': type, time, detail });
}

const cart = (id: string, time: string, cartId: string) =>
  line(id, time, 'Product Added', { cartId, name: 'Espresso beans' });
const order = (id: string, time: string, cartId: string) =>
  line(id, time, 'Order Completed', { cartId, revenue: 40 });

async function bothMachines(text: string): Promise<RunResult> {
  const [simulated, local] = await Promise.all([
    throughSimulator(text, { daysAfter: 2 }),
    throughLocalStack(text, { daysAfter: 2 }),
  ]);
  expect(local).toEqual(simulated);
  return simulated;
}

const cartMessages = (result: RunResult) =>
  result.messages.filter((m) => m.journeyId === 'cart-abandonment').map((m) => `${m.stepId} ${m.status}`);

describe('arrival order', () => {
  it('sends no reminder when a Product Added arrives after its cart Order Completed, on both machines', async () => {
    // Prepare: the cart was filled at 10:00 and ordered at 10:10; the Product Added arrives late, after the order.
    const events = [
      line('e1', '2026-11-03T09:00:00Z', 'Signed Up', {}),
      order('e3', '2026-11-03T10:10:00Z', 'c1'),
      cart('e2', '2026-11-03T10:00:00Z', 'c1'),
    ].join('\n');

    // Act
    const result = await bothMachines(events);

    // Assess: no enrollment, and the reason says why.
    expect(cartMessages(result)).toEqual([]);
    expect(result.enrollments.filter((e) => e.journeyId === 'cart-abandonment')).toEqual([]);
  }, 60_000);

  it('still reminds about another cart, and about this one once its order left the window', async () => {
    // Prepare: the order is for c9; c1's late Product Added is not its cart. c2's Product Added arrives more
    // than 24 hours after its order happened, beyond the window.
    const events = [
      line('e1', '2026-11-03T09:00:00Z', 'Signed Up', {}),
      order('e3', '2026-11-03T10:10:00Z', 'c9'),
      cart('e2', '2026-11-03T10:00:00Z', 'c1'),
      order('e4', '2026-11-03T11:00:00Z', 'c2'),
      cart('e5', '2026-11-04T11:30:00Z', 'c2'),
    ].join('\n');

    // Act
    const result = await bothMachines(events);

    // Assess: both carts enrolled and reached their reminder (the second is then held to the daily cap).
    const cartRuns = result.enrollments.filter((e) => e.journeyId === 'cart-abandonment');
    expect(cartRuns.map((e) => [e.enteredAt, e.exitReason])).toEqual([
      ['2026-11-03T10:10:00.000Z', 'completed'],
      ['2026-11-04T11:30:00.000Z', 'completed'],
    ]);
    expect(cartMessages(result)).toHaveLength(2);
  }, 60_000);
});
