export { CDNOW_COLUMNS, CDNOW_SOURCE, importCdnow } from './cdnow.ts';
export { COUNTRY_TIMEZONES, timezoneOfCountry } from './country-timezones.ts';
export { splitCsvLine } from './csv.ts';
export { importOnlineRetail } from './online-retail.ts';
export { ONLINE_RETAIL_SOURCE } from './online-retail-invoices.ts';
export { INVOICE_LEVEL_COLUMNS, LINE_ITEM_COLUMNS } from './online-retail-rows.ts';
export {
  formatImportReport,
  type ImportReport,
  type ImportResult,
  SKIP_KINDS,
  type Skip,
  type SkipExample,
  type SkipKind,
} from './report.ts';
