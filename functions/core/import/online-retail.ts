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
 *   one repeated by the autumn change is read as GMT, whenever the import runs (london-time.ts); the shop's
 *   invoices are between 06:00 and 21:00, so neither happens in the data;
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
import { COUNTRY_TIMEZONES, timezoneOfCountry } from './country-timezones.ts';
import { splitCsvLine } from './csv.ts';
import { type Candidate, type Invoice, resolveInvoice, toEvent } from './online-retail-invoices.ts';
import {
  INVOICE_LEVEL_COLUMNS,
  INVOICE_NUMBER,
  InvoiceDates,
  type Layout,
  LINE_ITEM_COLUMNS,
  layoutOf,
  type Parsed,
  parseRow,
} from './online-retail-rows.ts';
import {
  countByType,
  type ImportReport,
  type ImportResult,
  linesOf,
  SkipCounter,
  sortEvents,
  type TimedEvent,
} from './report.ts';

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
  // Invoices repeat their date-time on every line: each distinct one is converted once.
  const dates = new InvoiceDates();

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
