export {
  ColumnMap,
  DEFAULT_COLUMNS,
  DEFAULT_CONSENT_COLUMNS,
  type ResolvedMap,
  resolveColumnMap,
} from './csv-map.ts';
export {
  formatProfileImportSummary,
  importProfileRows,
  type MappedRow,
  mapRow,
  type ProfileImportOptions,
  type ProfileImportSummary,
  ProfileImportTally,
} from './import-profiles.ts';
export {
  type ImportedProfile,
  PROFILE_SOURCES,
  ProfileFormat,
  profileImportedEvent,
} from './imported-profile.ts';
export { ProfileLine } from './jsonl.ts';
export { PinpointEndpoint } from './pinpoint.ts';
export { type CsvHeader, csvRows, jsonLinesRows, type Row, type Source } from './rows.ts';
