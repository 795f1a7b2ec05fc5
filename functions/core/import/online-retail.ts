/**
 * The UCI Online Retail data set (a UK online gift shop, 2010-12-01 to 2011-12-09) as Cairn customer events.
 * Pure: text in, events and a report out. Two layouts are recognised by their header:
 *
 * - invoice-level: `InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice`, one row per invoice, dates
 *   `M/D/YYYY H:MM`; the amount of a row is Quantity × UnitPrice, an approximation since UnitPrice there is the
 *   unweighted mean of the invoice's line prices. An invoice that spans several rows (43 in the published file,
 *   one minute apart) is merged: quantities and amounts added, the time of its earliest row.
 * - line items (the UCI schema): `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,
 *   Country`, dates `YYYY-MM-DD HH:MM:SS`, customer ids like `12923.0`. Lines are grouped into invoices by
 *   InvoiceNo in the same way, and the lines are kept as `properties.products`.
 *
 * Each invoice becomes at most one event:
 * - a sale (`536365`) → `Order Completed`; a cancellation (`C536379`) → `Order Refunded` with `revenue` the
 *   positive amount refunded and `quantity` the positive number of items. The data does not say which invoice
 *   a cancellation cancels, so `orderId` is the cancellation's own number, and a cancellation is only written
 *   when the same customer has an order at or before it in the same file (a refund of nothing Cairn has seen
 *   would only make revenue negative);
 * - `source` `cairn.import.online-retail`, `detail.userId` the CustomerID without `.0`, `properties` `orderId`
 *   (the invoice number), `revenue` (GBP, rounded half away from zero to cents), `currency` `GBP`, `quantity`;
 * - `time` the invoice date-time, which is UK local time, converted from Europe/London to UTC (09:00Z for
 *   10:00 in July, 10:00Z for 10:00 in January). A local time skipped by the spring change is moved an hour on,
 *   one repeated by the autumn change is read as GMT (luxon's choice); the shop's invoices are between 06:00
 *   and 21:00, so neither happens in the data;
 * - `detail.traits.country` the Country as written (except `Unspecified`), and `detail.context.timezone` a
 *   representative IANA zone of that country (COUNTRY_TIMEZONES: best effort, e.g. America/New_York for USA;
 *   none for `Unspecified` and `European Community`);
 * - `detail.eventId` `<invoice>-completed` or `<invoice>-refunded`, and a UUID-shaped `id` hashed from the
 *   source, the event name and the invoice number: importing the same file again gives byte-identical events.
 *
 * Skipped and counted, never thrown: unreadable rows (with the rest of their invoice), invoices whose rows
 * disagree on customer or country, invoices without a customer id (`(blank)` or empty), invoices that are
 * neither sales nor cancellations (`A…` bad-debt adjustments), zero or negative amounts, cancellations without
 * an earlier order of their customer.
 */
import { DateTime } from 'luxon';
import type { CustomerEvent, JsonValue } from '../events/index.ts';
import {
  countByType,
  deterministicId,
  type ImportReport,
  type ImportResult,
  linesOf,
  parseDecimal,
  parseWhole,
  SkipCounter,
  sortEvents,
  type TimedEvent,
  toCents,
} from './report.ts';

export const ONLINE_RETAIL_SOURCE = 'cairn.import.online-retail';
export const INVOICE_LEVEL_COLUMNS: readonly string[] = [
  'InvoiceNo',
  'InvoiceDate',
  'CustomerID',
  'Country',
  'Quantity',
  'UnitPrice',
];
export const LINE_ITEM_COLUMNS: readonly string[] = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
const SHOP_ZONE = 'Europe/London';

/**
 * A representative IANA timezone for each Country of the data set, as the data writes it. Best effort: for a
 * country with several zones it is the zone of most of its people (USA → New York, Canada → Toronto,
 * Australia → Sydney, Brazil → São Paulo). `null`: the Country names no country, so no zone is given.
 */
export const COUNTRY_TIMEZONES: Readonly<Record<string, string | null>> = {
  Australia: 'Australia/Sydney',
  Austria: 'Europe/Vienna',
  Bahrain: 'Asia/Bahrain',
  Belgium: 'Europe/Brussels',
  Brazil: 'America/Sao_Paulo',
  Canada: 'America/Toronto',
  'Channel Islands': 'Europe/Jersey',
  Cyprus: 'Asia/Nicosia',
  'Czech Republic': 'Europe/Prague',
  Denmark: 'Europe/Copenhagen',
  EIRE: 'Europe/Dublin',
  'European Community': null,
  Finland: 'Europe/Helsinki',
  France: 'Europe/Paris',
  Germany: 'Europe/Berlin',
  Greece: 'Europe/Athens',
  'Hong Kong': 'Asia/Hong_Kong',
  Iceland: 'Atlantic/Reykjavik',
  Israel: 'Asia/Jerusalem',
  Italy: 'Europe/Rome',
  Japan: 'Asia/Tokyo',
  Lebanon: 'Asia/Beirut',
  Lithuania: 'Europe/Vilnius',
  Malta: 'Europe/Malta',
  Netherlands: 'Europe/Amsterdam',
  Norway: 'Europe/Oslo',
  Poland: 'Europe/Warsaw',
  Portugal: 'Europe/Lisbon',
  RSA: 'Africa/Johannesburg',
  'Saudi Arabia': 'Asia/Riyadh',
  Singapore: 'Asia/Singapore',
  Spain: 'Europe/Madrid',
  Sweden: 'Europe/Stockholm',
  Switzerland: 'Europe/Zurich',
  'United Arab Emirates': 'Asia/Dubai',
  'United Kingdom': 'Europe/London',
  Unspecified: null,
  USA: 'America/New_York',
};

/** The representative zone of a Country as the data writes it; undefined when there is none. */
export function timezoneOfCountry(country: string): string | undefined {
  return Object.hasOwn(COUNTRY_TIMEZONES, country) ? (COUNTRY_TIMEZONES[country] ?? undefined) : undefined;
}

/** Countries that are not a value to keep on a profile. */
const NO_COUNTRY = new Set(['', 'Unspecified']);

type Layout = 'invoice-level' | 'line-items';

type Product = { productId: string; name: string; price: number; quantity: bigint };

type Row = {
  line: number;
  at: number;
  time: string;
  customer: string | undefined;
  country: string;
  quantity: bigint;
  /** Quantity × UnitPrice, in 10^-AMOUNT_SCALE pounds. */
  amount: bigint;
  product: Product | undefined;
};

type Invoice = { number: string; firstLine: number; rows: Row[]; badLines: number[] };

/** An instant: epoch milliseconds, and as an ISO-8601 UTC timestamp. */
type When = { at: number; time: string };

type Parsed = { ok: true; row: Row } | { ok: false; reason: string };

/**
 * One CSV line into fields: commas separate, a field in double quotes may hold commas and `""` for a quote.
 * undefined when a quote is left open (a field spanning lines is not supported).
 */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quoted) {
      if (c !== '"') field += c;
      else if (line.charAt(i + 1) === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

const INVOICE_NUMBER = /^([A-Z]?)\d+$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A UK wall-clock time to an instant; undefined for a date that does not exist. */
function londonTime(
  year: string,
  month: string,
  day: string,
  hour: string,
  minute: string,
  second = '0',
): When | undefined {
  const local = DateTime.fromObject(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
    },
    { zone: SHOP_ZONE },
  );
  if (!local.isValid) return undefined;
  const time = local.toUTC().toISO({ suppressMilliseconds: true });
  return { at: local.toMillis(), time };
}

function parseDate(text: string, layout: Layout): When | undefined {
  if (layout === 'invoice-level') {
    const m = US_DATE.exec(text);
    return m === null ? undefined : londonTime(m[3] ?? '', m[1] ?? '', m[2] ?? '', m[4] ?? '', m[5] ?? '');
  }
  const m = ISO_DATE.exec(text);
  return m === null
    ? undefined
    : londonTime(m[1] ?? '', m[2] ?? '', m[3] ?? '', m[4] ?? '', m[5] ?? '', m[6] ?? '0');
}

function parseRow(fields: string[], line: number, layout: Layout, dates: Map<string, When | null>): Parsed {
  const columns = layout === 'invoice-level' ? INVOICE_LEVEL_COLUMNS : LINE_ITEM_COLUMNS;
  if (fields.length !== columns.length)
    return { ok: false, reason: `expected ${columns.length} columns, got ${fields.length}` };
  const field = (name: string) => (fields[columns.indexOf(name)] ?? '').trim();

  const dateText = field('InvoiceDate');
  // Invoices repeat their date-time on every line: convert each distinct one once.
  let when = dates.get(dateText);
  if (when === undefined) {
    when = parseDate(dateText, layout) ?? null;
    dates.set(dateText, when);
  }
  if (when === null) {
    const expected = layout === 'invoice-level' ? 'M/D/YYYY H:MM' : 'YYYY-MM-DD HH:MM:SS';
    return { ok: false, reason: `InvoiceDate must be a real date-time as ${expected}, got "${dateText}"` };
  }
  const customerText = field('CustomerID');
  const customerMatch = /^(\d+)(?:\.0+)?$/.exec(customerText);
  if (customerMatch === null && customerText !== '' && customerText !== '(blank)')
    return {
      ok: false,
      reason: `CustomerID must be a number such as 12923 or 12923.0, got "${customerText}"`,
    };
  const quantityText = field('Quantity');
  const quantity = parseWhole(quantityText);
  if (quantity === undefined)
    return { ok: false, reason: `Quantity must be a whole number, got "${quantityText}"` };
  const priceText = field('UnitPrice');
  const price = parseDecimal(priceText);
  if (price === undefined)
    return { ok: false, reason: `UnitPrice must be a decimal number, got "${priceText}"` };

  let product: Product | undefined;
  if (layout === 'line-items')
    product = {
      productId: field('StockCode'),
      name: field('Description'),
      price: Number(priceText),
      quantity,
    };
  return {
    ok: true,
    row: {
      line,
      at: when.at,
      time: when.time,
      customer: customerMatch?.[1],
      country: field('Country'),
      quantity,
      amount: quantity * price,
      product,
    },
  };
}

function layoutOf(fields: string[]): Layout | undefined {
  const same = (columns: readonly string[]) =>
    fields.length === columns.length &&
    fields.every((f, i) => f.trim().toLowerCase() === columns[i]?.toLowerCase());
  if (same(INVOICE_LEVEL_COLUMNS)) return 'invoice-level';
  if (same(LINE_ITEM_COLUMNS)) return 'line-items';
  return undefined;
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

type Candidate = {
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

/** Checks an invoice's rows and decides what it becomes: an order, a refund, or a counted skip. */
function resolveInvoice(invoice: Invoice, skips: SkipCounter): Candidate | undefined {
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

function toEvent(c: Candidate, layout: Layout): CustomerEvent {
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

/**
 * Reads an Online Retail file (its whole text, or its lines; decode the published files as ISO-8859-1) into
 * `Order Completed` and `Order Refunded` events sorted by time, and a report of what was read, written and
 * skipped. Never throws on bad data: a file whose header is neither layout gives no events and `report.error`.
 */
export function importOnlineRetail(input: string | Iterable<string>): ImportResult {
  const skips = new SkipCounter();
  const invoices = new Map<string, Invoice>();
  let layout: Layout | undefined;
  let headerSeen = false;
  let rowsRead = 0;
  let lineNumber = 0;
  let error: string | undefined;
  const dates = new Map<string, When | null>();

  for (const line of linesOf(input)) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line);
    if (!headerSeen) {
      headerSeen = true;
      layout = fields === undefined ? undefined : layoutOf(fields);
      if (layout === undefined) {
        const shown = line.length > 100 ? `${line.slice(0, 97)}...` : line;
        error =
          `not an Online Retail file: line ${lineNumber} should be the header ` +
          `"${INVOICE_LEVEL_COLUMNS.join(',')}" (invoice-level) or "${LINE_ITEM_COLUMNS.join(',')}" (line items), got "${shown}"`;
        break;
      }
      continue;
    }
    if (layout === undefined) break;
    rowsRead += 1;
    const numberText = (fields?.[0] ?? '').trim();
    const readableNumber = INVOICE_NUMBER.test(numberText);
    const parsed: Parsed =
      fields === undefined
        ? { ok: false, reason: 'a quoted field is not closed' }
        : !readableNumber
          ? {
              ok: false,
              reason: `InvoiceNo must be digits, optionally after one capital letter, got "${numberText}"`,
            }
          : parseRow(fields, lineNumber, layout, dates);
    if (!parsed.ok) skips.add('bad-row', 'row', lineNumber, parsed.reason);
    if (!readableNumber) continue;
    let invoice = invoices.get(numberText);
    if (invoice === undefined) {
      invoice = { number: numberText, firstLine: lineNumber, rows: [], badLines: [] };
      invoices.set(numberText, invoice);
    }
    if (parsed.ok) invoice.rows.push(parsed.row);
    else invoice.badLines.push(lineNumber);
  }

  const candidates: Candidate[] = [];
  for (const invoice of invoices.values()) {
    const candidate = resolveInvoice(invoice, skips);
    if (candidate !== undefined) candidates.push(candidate);
  }
  const firstOrder = new Map<string, number>();
  for (const c of candidates)
    if (c.kind === 'Order Completed' && c.at < (firstOrder.get(c.customer) ?? Number.POSITIVE_INFINITY))
      firstOrder.set(c.customer, c.at);

  const timed: TimedEvent[] = [];
  const zoneless = new Map<string, number>();
  for (const c of candidates) {
    if (c.kind === 'Order Refunded' && !(c.at >= (firstOrder.get(c.customer) ?? Number.POSITIVE_INFINITY))) {
      skips.add(
        'cancellation-without-order',
        'invoice',
        c.invoice.firstLine,
        `cancellation ${c.invoice.number} of customer ${c.customer} at ${c.time}: no order of that customer at or before it`,
        c.invoice.rows.length,
      );
      continue;
    }
    if (timezoneOfCountry(c.country) === undefined)
      zoneless.set(c.country, (zoneless.get(c.country) ?? 0) + 1);
    timed.push({ at: c.at, orderId: c.invoice.number, event: toEvent(c, layout ?? 'invoice-level') });
  }
  const events = error === undefined ? sortEvents(timed) : [];

  const notes: string[] = [];
  const merged = [...invoices.values()].filter((i) => i.rows.length + i.badLines.length > 1).length;
  if (layout === 'invoice-level' && merged > 0)
    notes.push(
      `invoices spanning several rows, merged (quantities and amounts added, earliest time): ${merged}`,
    );
  if (layout === 'line-items') notes.push(`invoices the rows were grouped into: ${invoices.size}`);
  for (const [country, count] of [...zoneless].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const why = Object.hasOwn(COUNTRY_TIMEZONES, country)
      ? 'names no country'
      : 'is not in the country table';
    notes.push(`events without a timezone because Country "${country}" ${why}: ${count}`);
  }
  const report: ImportReport = {
    dataset: 'online-retail',
    format: layout ?? 'unknown',
    rowsRead,
    eventsWritten: events.length,
    eventsByType: countByType(events),
    skips: skips.list(),
    notes,
  };
  if (!headerSeen) report.error = 'the file is empty: expected an Online Retail file with a header line';
  if (error !== undefined) report.error = error;
  return { events, report };
}
