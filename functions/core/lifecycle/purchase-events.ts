import type { CustomerEvent } from '../events/index.ts';
import { matchesPattern } from '../patterns/index.ts';
import type { LifecycleModel } from './lifecycle-model.ts';

function valueAt(event: unknown, path: string): unknown {
  let current = event;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** Whether the event is an order or a refund by the configuration, and its amount. */
export function purchaseOf(
  model: LifecycleModel,
  event: CustomerEvent,
): { kind: 'order' | 'refund'; amount: number } | undefined {
  const { orders, refunds } = model.config.purchases;
  if (matchesPattern(model.orders, event)) return { kind: 'order', amount: amountAt(event, orders.revenue) };
  if (model.refunds && refunds && matchesPattern(model.refunds, event))
    return { kind: 'refund', amount: amountAt(event, refunds.revenue) };
  return undefined;
}

/** The purchase's amount at the configured path: its absolute value, or 0 when it is not a number. */
function amountAt(event: CustomerEvent, path: string): number {
  const amount = Number(valueAt(event, path) ?? 0);
  return Number.isFinite(amount) ? Math.abs(amount) : 0;
}
