/**
 * The rows of a UCI Online Retail file: its two layouts, told apart by the header, and one row's fields read
 * into numbers, a customer id and an instant. Pure. What the rows become is in online-retail-invoices.ts.
 */
import { LondonClock, type WallClock, type When } from './london-time.ts';
import { parseDecimal, parseWhole } from './report.ts';

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

export type Layout = 'invoice-level' | 'line-items';

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

type Digits = string | undefined;
function clock(
  year: Digits,
  month: Digits,
  day: Digits,
  hour: Digits,
  minute: Digits,
  second: Digits,
): WallClock {
  const n = (digits: Digits) => Number(digits ?? '');
  return { year: n(year), month: n(month), day: n(day), hour: n(hour), minute: n(minute), second: n(second) };
}

/** What differs between the layouts once the header is read. */
const LAYOUTS: Record<
  Layout,
  {
    columns: readonly string[];
    /** How InvoiceDate is written, for the message about one that is not. */
    dateShape: string;
    wallClock: (text: string) => WallClock | undefined;
    /** Whether a row is one product line, kept on the event, or a whole invoice. */
    lineItems: boolean;
  }
> = {
  'invoice-level': {
    columns: INVOICE_LEVEL_COLUMNS,
    dateShape: 'M/D/YYYY H:MM',
    wallClock: (text) => {
      const m = US_DATE.exec(text);
      return m === null ? undefined : clock(m[3], m[1], m[2], m[4], m[5], '0');
    },
    lineItems: false,
  },
  'line-items': {
    columns: LINE_ITEM_COLUMNS,
    dateShape: 'YYYY-MM-DD HH:MM:SS',
    wallClock: (text) => {
      const m = ISO_DATE.exec(text);
      return m === null ? undefined : clock(m[1], m[2], m[3], m[4], m[5], m[6] ?? '0');
    },
    lineItems: true,
  },
};

/** The layout a header line names; undefined for any other line. Column names are matched ignoring case. */
export function layoutOf(fields: string[]): Layout | undefined {
  const same = (columns: readonly string[]) =>
    fields.length === columns.length &&
    fields.every((f, i) => f.trim().toLowerCase() === columns[i]?.toLowerCase());
  if (same(INVOICE_LEVEL_COLUMNS)) return 'invoice-level';
  if (same(LINE_ITEM_COLUMNS)) return 'line-items';
  return undefined;
}

/** A sale (`536365`), or a letter and digits: `C536379` a cancellation, `A563185` an adjustment. */
export const INVOICE_NUMBER = /^([A-Z]?)\d+$/;

export type Product = { productId: string; name: string; price: number; quantity: bigint };

export type Row = {
  line: number;
  at: number;
  time: string;
  customer: string | undefined;
  country: string;
  quantity: bigint;
  /** Quantity × UnitPrice, in 10^-AMOUNT_SCALE pounds. */
  amount: bigint;
  /** Only in the line-item layout. */
  product: Product | undefined;
};

export type Parsed = { ok: true; row: Row } | { ok: false; reason: string };

/** What the rows of one file share: each distinct InvoiceDate text converted once (null: not a date). */
export class InvoiceDates {
  readonly #clock = new LondonClock();
  readonly #dates = new Map<string, When | null>();

  get(text: string, wallClock: (text: string) => WallClock | undefined): When | null {
    let when = this.#dates.get(text);
    if (when === undefined) {
      const wall = wallClock(text);
      when = (wall === undefined ? undefined : this.#clock.instant(wall)) ?? null;
      this.#dates.set(text, when);
    }
    return when;
  }
}

/** One data row, already split into fields, whose InvoiceNo has been checked. */
export function parseRow(fields: string[], line: number, layout: Layout, dates: InvoiceDates): Parsed {
  const { columns, dateShape, wallClock, lineItems } = LAYOUTS[layout];
  if (fields.length !== columns.length)
    return { ok: false, reason: `expected ${columns.length} columns, got ${fields.length}` };
  const field = (name: string) => (fields[columns.indexOf(name)] ?? '').trim();

  const dateText = field('InvoiceDate');
  const when = dates.get(dateText, wallClock);
  if (when === null)
    return { ok: false, reason: `InvoiceDate must be a real date-time as ${dateShape}, got "${dateText}"` };
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

  const product: Product | undefined = lineItems
    ? { productId: field('StockCode'), name: field('Description'), price: Number(priceText), quantity }
    : undefined;
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
