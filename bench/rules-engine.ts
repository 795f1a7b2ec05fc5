// The reference of `npm run bench -- engine`: json-rules-engine with 50 rules over the same events
// (docs/benchmarks.md, "The engine step").
import { Engine, type RuleProperties } from 'json-rules-engine';
import type { CustomerEvent } from '../functions/core/events/index.ts';

/** The generated shop's event types (functions/core/generate/), in the order the 50 rules cycle through them. */
const EVENT_TYPES = [
  'Product Viewed',
  'Product Added',
  'Checkout Started',
  'Order Completed',
  'Signed Up',
  'Cart Viewed',
  'Product Removed',
  'Order Refunded',
] as const;

/** The property each type's rules test, and how: a number at least some value, or a string present. */
const PROPERTY_TESTS: Record<(typeof EVENT_TYPES)[number], { path: string; numeric: boolean }> = {
  'Product Viewed': { path: '$.price', numeric: true },
  'Product Added': { path: '$.quantity', numeric: true },
  'Checkout Started': { path: '$.revenue', numeric: true },
  'Order Completed': { path: '$.revenue', numeric: true },
  'Signed Up': { path: '$.method', numeric: false },
  'Cart Viewed': { path: '$.cartId', numeric: false },
  'Product Removed': { path: '$.price', numeric: true },
  'Order Refunded': { path: '$.revenue', numeric: true },
};

/** What the customer's facts count, kept by the harness as events arrive (an engine keeps a profile). */
const CUSTOMER_FACTS = ['$.events', '$.orders', '$.revenue'] as const;

/**
 * The 50 rules. Rule i matches events of type EVENT_TYPES[i mod 8] (the `type` fact, `equal`) with two
 * conditions more, all three under `all`: the type's property (`properties` fact, at PROPERTY_TESTS' path)
 * at least 10 x (1 + floor(i / 8)) for a number, or not empty for a string; and one customer fact (`customer`,
 * cycling through events, orders and revenue) at least i mod 5. A rule that holds emits an event naming it.
 */
export function fiftyRules(): RuleProperties[] {
  return Array.from({ length: 50 }, (_, i) => {
    const type = EVENT_TYPES[i % EVENT_TYPES.length] ?? 'Product Viewed';
    const property = PROPERTY_TESTS[type];
    return {
      name: `rule-${i}`,
      conditions: {
        all: [
          { fact: 'type', operator: 'equal', value: type },
          property.numeric
            ? {
                fact: 'properties',
                path: property.path,
                operator: 'greaterThanInclusive',
                value: 10 * (1 + Math.floor(i / 8)),
              }
            : { fact: 'properties', path: property.path, operator: 'notEqual', value: '' },
          {
            fact: 'customer',
            path: CUSTOMER_FACTS[i % CUSTOMER_FACTS.length] ?? '$.events',
            operator: 'greaterThanInclusive',
            value: i % 5,
          },
        ],
      },
      event: { type: `matched-${i}`, params: { rule: i } },
    };
  });
}

type CustomerFacts = { events: number; orders: number; revenue: number };

/**
 * Every event through the 50 rules, one `engine.run(facts)` per event, with its customer's facts updated
 * first (events seen, orders and revenue so far). Returns how many rules held in all.
 */
export async function runRules(events: readonly CustomerEvent[]): Promise<number> {
  const engine = new Engine(fiftyRules(), { allowUndefinedFacts: true });
  const customers = new Map<string, CustomerFacts>();
  let matched = 0;
  for (const event of events) {
    const { userId, properties } = event.detail;
    const facts = customers.get(userId) ?? { events: 0, orders: 0, revenue: 0 };
    facts.events++;
    if (event['detail-type'] === 'Order Completed') {
      facts.orders++;
      facts.revenue += typeof properties.revenue === 'number' ? properties.revenue : 0;
    }
    customers.set(userId, facts);
    const result = await engine.run({ type: event['detail-type'], properties, customer: facts });
    matched += result.events.length;
  }
  return matched;
}
