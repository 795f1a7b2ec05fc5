/**
 * What an invoice of the UCI Online Retail data set becomes, once its rows are grouped: an `Order Completed`,
 * an `Order Refunded`, or a counted skip (the rules are in online-retail.ts). Pure.
 */
import type { CustomerEvent, JsonValue } from '../events/index.ts';
import { timezoneOfCountry } from './country-timezones.ts';
import { INVOICE_NUMBER, type Layout, type Row } from './online-retail-rows.ts';
import { deterministicId, type SkipCounter, toCents } from './report.ts';

export const ONLINE_RETAIL_SOURCE = 'cairn.import.online-retail';

/** Countries that are not a value to keep on a profile. */
const NO_COUNTRY = new Set(['', 'Unspecified']);

/** The rows of one invoice number, and the lines of its rows that could not be read. */
export type Invoice = { number: string; firstLine: number; rows: Row[]; badLines: number[] };

export type Candidate = {
  invoice: Invoice;
  kind: 'Order Completed' | 'Order Refunded';
  customer: string;
  country: string;
  at: number;
  time: string;
  /** Positive: the order's value, or the amount refunded. */
  amount: bigint;
  quantity: bigint;
};

/**
 * Checks an invoice's rows and decides what it becomes: an order, a refund, or a counted skip. Whether a
 * refund has an earlier order to refund is decided later, over all the invoices.
 */
export function resolveInvoice(invoice: Invoice, skips: SkipCounter): Candidate | undefined {
  const { number, rows, firstLine } = invoice;
  const [first] = rows;
  if (first === undefined) return undefined; // every row was unreadable: counted as bad rows already
  if (invoice.badLines.length > 0) {
    const lines = invoice.badLines.join(', ');
    skips.add(
      'invoice-with-bad-row',
      'invoice',
      firstLine,
      `invoice ${number}: line ${lines} could not be read`,
      rows.length,
    );
    return undefined;
  }
  const customers = new Set(rows.map((r) => r.customer ?? '(none)'));
  const countries = new Set(rows.map((r) => r.country));
  if (customers.size > 1 || countries.size > 1) {
    const what =
      customers.size > 1
        ? `customers ${[...customers].join(', ')}`
        : `countries ${[...countries].join(', ')}`;
    skips.add('conflicting-rows', 'invoice', firstLine, `invoice ${number}: rows name ${what}`, rows.length);
    return undefined;
  }
  const { customer, country } = first;
  if (customer === undefined) {
    skips.add('missing-customer', 'invoice', firstLine, `invoice ${number} has no CustomerID`, rows.length);
    return undefined;
  }
  const prefix = INVOICE_NUMBER.exec(number)?.[1] ?? '';
  if (prefix !== '' && prefix !== 'C') {
    skips.add(
      'not-a-sale',
      'invoice',
      firstLine,
      `invoice ${number} starts with ${prefix}: neither a sale nor a cancellation (C)`,
      rows.length,
    );
    return undefined;
  }
  let amount = 0n;
  let quantity = 0n;
  let earliest = first;
  for (const row of rows) {
    amount += row.amount;
    quantity += row.quantity;
    if (row.at < earliest.at) earliest = row;
  }
  const refund = prefix === 'C';
  const signed = refund ? -amount : amount;
  if (signed <= 0n) {
    const what = refund ? `cancellation ${number} refunds` : `invoice ${number} amounts to`;
    skips.add(
      'non-positive-amount',
      'invoice',
      firstLine,
      `${what} ${toCents(signed).toFixed(2)} GBP`,
      rows.length,
    );
    return undefined;
  }
  return {
    invoice,
    kind: refund ? 'Order Refunded' : 'Order Completed',
    customer,
    country,
    at: earliest.at,
    time: earliest.time,
    amount: signed,
    quantity: refund ? -quantity : quantity,
  };
}

function productsOf(rows: Row[], sign: bigint): JsonValue[] {
  return rows.flatMap(({ product }) => {
    if (product === undefined) return [];
    const item: Record<string, JsonValue> = { productId: product.productId };
    if (product.name !== '') item.name = product.name;
    item.price = product.price;
    item.quantity = Number(product.quantity * sign);
    return [item];
  });
}

export function toEvent(c: Candidate, layout: Layout): CustomerEvent {
  const orderId = c.invoice.number;
  const refund = c.kind === 'Order Refunded';
  const properties: Record<string, JsonValue> = {
    orderId,
    revenue: toCents(c.amount),
    currency: 'GBP',
    quantity: Number(c.quantity),
  };
  if (layout === 'line-items') properties.products = productsOf(c.invoice.rows, refund ? -1n : 1n);
  const detail: CustomerEvent['detail'] = {
    userId: c.customer,
    eventId: `${orderId}-${refund ? 'refunded' : 'completed'}`,
    properties,
  };
  if (!NO_COUNTRY.has(c.country)) detail.traits = { country: c.country };
  const zone = timezoneOfCountry(c.country);
  if (zone !== undefined) detail.context = { timezone: zone };
  return {
    version: '0',
    id: deterministicId(ONLINE_RETAIL_SOURCE, c.kind, orderId),
    'detail-type': c.kind,
    source: ONLINE_RETAIL_SOURCE,
    time: c.time,
    resources: [],
    detail,
  };
}
