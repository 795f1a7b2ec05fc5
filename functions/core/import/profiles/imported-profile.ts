/**
 * What one imported row says of one customer, whatever its format (CSV, JSON Lines, a Pinpoint endpoint), and
 * the `Profile Imported` event it becomes. Pure: the row mappers (csv.ts, jsonl.ts, pinpoint.ts), the CLI and
 * the AWS import function all build events here, so a row gives the same event on every machine.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { PROTO_REFUSED, protoFieldPaths } from '../../collections/own-field.ts';
import type { CustomerEvent, JsonValue } from '../../events/index.ts';
import { normalizeEmail, normalizePhone } from '../../profile/addresses.ts';
import type { ConsentTrait } from '../../profile/consent.ts';
import { IMPORT_SOURCE_PREFIX, PROFILE_IMPORTED, type PushPlatform } from '../../profile/profile.ts';
import { isValidTimezone } from '../../time/zoned.ts';
import { deterministicId } from '../report.ts';

export const ProfileFormat = z.lazy(() => z.enum(['csv', 'jsonl', 'pinpoint']));
export type ProfileFormat = z.infer<typeof ProfileFormat>;

/** The event source per format: consent a row records names it (`OptOut: ALL` from `cairn.import.pinpoint`). */
export const PROFILE_SOURCES: Record<ProfileFormat, string> = {
  csv: `${IMPORT_SOURCE_PREFIX}profiles`,
  jsonl: `${IMPORT_SOURCE_PREFIX}profiles`,
  pinpoint: `${IMPORT_SOURCE_PREFIX}pinpoint`,
};

/** One row, normalized: addresses valid, the zone known, consent per channel (or topic). */
export type ImportedProfile = {
  userId: string;
  email?: string;
  phone?: string;
  timezone?: string;
  locale?: string;
  device?: { token: string; platform: PushPlatform };
  consent?: ConsentTrait;
  /** Traits besides the well-known ones, as the source has them (Pinpoint's attributes are lists). */
  attributes: Record<string, JsonValue>;
  /** When the source says the row was true (ISO-8601); else the import's time. */
  time?: string;
};

/** Why a row gave no event: a field it has wrong, or something Cairn cannot use. */
export type RowSkipKind = 'bad-row' | 'no-user-id' | 'unsupported-channel' | 'inactive-endpoint';

export type RowProblem = { kind: RowSkipKind; field: string; reason: string };
export type RowResult = { ok: true; profile: ImportedProfile } | { ok: false; problem: RowProblem };

export const badField = (field: string, reason: string, kind: RowSkipKind = 'bad-row'): RowResult => ({
  ok: false,
  problem: { kind, field, reason },
});

/** A row holding a field named `__proto__`, which its schema would drop without a word, refused by name. */
export function protoFieldRefusal(value: unknown): RowResult | undefined {
  const [path] = protoFieldPaths(value);
  return path === undefined ? undefined : badField(path.join('.'), PROTO_REFUSED);
}

/** The well-known fields as a source gives them, checked with the profile's own rules (addresses.ts). */
export type RawFields = {
  email?: string | undefined;
  phone?: string | undefined;
  timezone?: string | undefined;
  locale?: string | undefined;
  time?: string | undefined;
};

const Timestamp = z.lazy(() => z.iso.datetime({ offset: true }));

/**
 * Checks the well-known fields, naming the first that is wrong by the field name the source uses (`names`):
 * an address the profile would not keep is an error here, not a silent loss.
 */
export function checkFields(
  raw: RawFields,
  names: Record<keyof RawFields, string>,
): { ok: true; fields: Omit<ImportedProfile, 'userId' | 'attributes'> } | { ok: false; result: RowResult } {
  const fields: Omit<ImportedProfile, 'userId' | 'attributes'> = {};
  if (raw.email !== undefined) {
    const email = normalizeEmail(raw.email);
    if (email === undefined) return fail(names.email, `not an email address: ${JSON.stringify(raw.email)}`);
    fields.email = email;
  }
  if (raw.phone !== undefined) {
    const phone = normalizePhone(raw.phone);
    if (phone === undefined)
      return fail(
        names.phone,
        `not an international phone number (+ and country code): ${JSON.stringify(raw.phone)}`,
      );
    fields.phone = phone;
  }
  if (raw.timezone !== undefined) {
    if (!isValidTimezone(raw.timezone))
      return fail(names.timezone, `not an IANA time zone: ${JSON.stringify(raw.timezone)}`);
    fields.timezone = raw.timezone;
  }
  // Pinpoint writes en_US; templates and the profile use BCP 47 (en-US). Both are read the same (localeChain).
  if (raw.locale !== undefined) fields.locale = raw.locale.replace(/_/g, '-');
  if (raw.time !== undefined) {
    if (!Timestamp.safeParse(raw.time).success)
      return fail(names.time, `not an ISO-8601 timestamp with a zone: ${JSON.stringify(raw.time)}`);
    fields.time = raw.time;
  }
  return { ok: true, fields };
}

const fail = (field: string, reason: string) => ({ ok: false as const, result: badField(field, reason) });

/** Where a row came from: the file's name (not its folder), the row's ordinal among data rows, its content. */
export type RowOrigin = {
  file: string;
  /** 1 for the first data row. */
  row: number;
  /** The row as read (CSV: its cells by header; JSON Lines: the parsed line), for the id. */
  value: unknown;
  format: ProfileFormat;
  /** The import's `--list`. */
  list?: string | undefined;
  /** The import's time, for rows that do not say when they were true. */
  importedAt: string;
};

/** A short, stable digest of a JSON value: keys in the order given (as both CSV readers and JSON keep them). */
function digest(value: unknown, list: string | undefined): string {
  return createHash('sha256')
    .update(`${JSON.stringify(value)}\n${list ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}

/** The traits the event contract wants as strings (customer-event.ts, `Traits`). */
const STRING_TRAITS = ['email', 'phone', 'timezone', 'locale', 'firstName', 'lastName'];

/**
 * An attribute under one of those names, as a string: Pinpoint's attributes are lists (`firstName: ["Maya"]`),
 * and a list there would fail the contract and dead-letter the whole row. Several values are joined.
 */
function contractString(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/**
 * The row's `Profile Imported` event. Its `eventId` is the file's name, the row and a digest of the row (and
 * list): the same file imported again gives the same ids, which ingest drops as duplicates, while a row that
 * changed is a new event and applies.
 */
export function profileImportedEvent(profile: ImportedProfile, origin: RowOrigin): CustomerEvent {
  const source = PROFILE_SOURCES[origin.format];
  const eventId = `${origin.file}#${origin.row}:${digest(origin.value, origin.list)}`;
  const traits: Record<string, JsonValue> = { ...profile.attributes };
  for (const key of STRING_TRAITS) {
    const value = traits[key];
    if (value !== undefined) traits[key] = contractString(value);
  }
  for (const key of ['email', 'phone', 'timezone', 'locale'] as const) {
    const value = profile[key];
    if (value !== undefined) traits[key] = value;
  }
  if (profile.consent !== undefined) traits.consent = profile.consent;
  return {
    version: '0',
    id: deterministicId(source, PROFILE_IMPORTED, eventId),
    'detail-type': PROFILE_IMPORTED,
    source,
    time: profile.time ?? origin.importedAt,
    resources: [],
    detail: {
      userId: profile.userId,
      eventId,
      properties: {
        file: origin.file,
        row: origin.row,
        format: origin.format,
        ...(origin.list === undefined ? {} : { lists: [origin.list] }),
      },
      ...(Object.keys(traits).length > 0 ? { traits } : {}),
      ...(profile.device === undefined ? {} : { context: { device: { ...profile.device } } }),
    },
  };
}
