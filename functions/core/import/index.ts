export { CDNOW_COLUMNS, CDNOW_SOURCE, importCdnow } from './cdnow.ts';
export {
  COUNTRY_TIMEZONES,
  INVOICE_LEVEL_COLUMNS,
  importOnlineRetail,
  LINE_ITEM_COLUMNS,
  ONLINE_RETAIL_SOURCE,
  splitCsvLine,
  timezoneOfCountry,
} from './online-retail.ts';
export {
  formatImportReport,
  type ImportReport,
  type ImportResult,
  SKIP_KINDS,
  type Skip,
  type SkipExample,
  type SkipKind,
} from './report.ts';
