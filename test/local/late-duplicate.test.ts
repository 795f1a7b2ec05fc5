import { describe, expect, it } from 'vitest';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const HOUR = 3_600_000;

function line(id: string, detailType: string, at: number, properties: object, traits?: object): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': detailType,
    source: 'com.example.shop',
    account: '123456789012',
    time: new Date(at).toISOString().replace('.000Z', 'Z'),
    region: 'eu-west-1',
    resources: [],
    detail: { userId: 'usr_late', eventId: id, properties, ...(traits ? { traits } : {}) },
  });
}

/**
 * A customer signs up and orders for 600 (a new customer); 45 product views over the next 5 days follow. The
 * order applied twice would make it 2 orders and 1200 in a year: the VIP stage, and the VIP email.
 */
function customerFile(redelivered: boolean): string {
  const order = line('order-1', 'Order Completed', T0 + HOUR, {
    orderId: 'o-1',
    revenue: 600,
    currency: 'GBP',
  });
  const views = Array.from({ length: 45 }, (_, i) =>
    line(`view-${i}`, 'Product Viewed', T0 + (i + 2) * 3 * HOUR, { productId: `p-${i}`, price: 10 }),
  );
  return [
    line('signed-up', 'Signed Up', T0, { method: 'email' }, { email: 'late@example.com', timezone: 'UTC' }),
    order,
    ...views,
    // The same order again, 5 days and 45 inputs later: a dead-letter redrive, an archive replay.
    ...(redelivered ? [order] : []),
  ].join('\n');
}

describe('an input delivered again after days and dozens of newer inputs', () => {
  it('is not applied again by either machine: no second order, no VIP stage, no extra message', async () => {
    // Prepare
    const once = customerFile(false);
    const twice = customerFile(true);

    // Act
    const simulatedOnce = await throughSimulator(once, { daysAfter: 2 });
    const simulated = await throughSimulator(twice, { daysAfter: 2 });
    const local = await throughLocalStack(twice, { daysAfter: 2 });

    // Assess
    expect(simulated.eventsIn).toBe(simulatedOnce.eventsIn + 1);
    expect(simulated.enrollments.map((e) => e.journeyId)).not.toContain('vip-appreciation');
    expect(simulated.messages).toEqual(simulatedOnce.messages);
    expect(simulated.enrollments).toEqual(simulatedOnce.enrollments);
    expect(simulated.journeys).toEqual(simulatedOnce.journeys);
    expect(local).toEqual(simulated);
  });
});
