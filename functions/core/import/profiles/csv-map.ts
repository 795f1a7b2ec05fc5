/**
 * CSV rows (cells by header) as imported profiles, through a column map: which column holds the user id, each
 * address, the zone, the locale, consent per channel, and which other columns are traits. A map file (YAML) says
 * only what differs from the defaults; docs/audiences.md lists them.
 */
import * as z from 'zod';
import { PROTO_KEY, setField } from '../../collections/own-field.ts';
import type { JsonValue } from '../../events/index.ts';
import { Channel } from '../../journeys/enums.ts';
import type { ConsentTrait } from '../../profile/consent.ts';
import { badField, checkFields, type RowResult } from './imported-profile.ts';

const Column = z.lazy(() => z.string().min(1));

/** The map file's schema: each key names a column of the file. */
export const ColumnMap = z.lazy(() =>
  z.strictObject({
    userId: Column.optional().describe('the column of the user id'),
    email: Column.optional(),
    phone: Column.optional(),
    timezone: Column.optional(),
    locale: Column.optional(),
    time: Column.optional().describe('when the row was true (ISO-8601); else the import time'),
    consent: z.partialRecord(Channel, Column).optional().describe('per channel, a column of yes/no values'),
    attributes: z.record(z.string(), Column).optional().describe('trait name: column'),
    ignore: z.array(Column).optional().describe('columns not imported'),
    otherColumns: z
      .enum(['attributes', 'ignore'])
      .optional()
      .describe('what columns not named above become: traits under their header (default) or nothing'),
  }),
);
export type ColumnMap = z.infer<typeof ColumnMap>;

/** Header names tried, in order, for each field the map does not name (compared case-insensitively). */
export const DEFAULT_COLUMNS = {
  userId: ['userId', 'user_id', 'customer_id', 'customerId', 'id'],
  email: ['email', 'email_address'],
  phone: ['phone', 'phone_number', 'mobile'],
  timezone: ['timezone', 'time_zone', 'tz'],
  locale: ['locale', 'language'],
  time: ['updatedAt', 'updated_at'],
} as const;
export const DEFAULT_CONSENT_COLUMNS: Record<Channel, readonly string[]> = {
  email: ['email_opt_in', 'email_consent', 'consent_email'],
  sms: ['sms_opt_in', 'sms_consent', 'consent_sms'],
  push: ['push_opt_in', 'push_consent', 'consent_push'],
};

type Field = keyof typeof DEFAULT_COLUMNS;

/** The map resolved against a header: the column of each field, and the traits, each from one column. */
export type ResolvedMap = {
  fields: Partial<Record<Field, string>>;
  consent: Partial<Record<Channel, string>>;
  attributes: [trait: string, column: string][];
};

/** Problems of a map against a header: a column the map names that the file does not have. */
export function resolveColumnMap(
  map: ColumnMap,
  header: readonly string[],
): { ok: true; map: ResolvedMap } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const has = new Set(header);
  const named = (path: string, column: string) => {
    if (!has.has(column))
      problems.push(`${path}: the file has no column "${column}" (it has ${header.join(', ')})`);
    return column;
  };
  const byDefault = (candidates: readonly string[]) =>
    header.find((h) => candidates.some((c) => c.toLowerCase() === h.trim().toLowerCase()));
  const fields: ResolvedMap['fields'] = {};
  for (const field of Object.keys(DEFAULT_COLUMNS) as Field[]) {
    const column = map[field] === undefined ? byDefault(DEFAULT_COLUMNS[field]) : named(field, map[field]);
    if (column !== undefined) fields[field] = column;
  }
  if (fields.userId === undefined)
    problems.push(
      `userId: no column named ${DEFAULT_COLUMNS.userId.join(', ')}; name it in the map (userId: COLUMN)`,
    );
  const consent: ResolvedMap['consent'] = {};
  for (const channel of Channel.options) {
    const given = map.consent?.[channel];
    const column =
      given === undefined ? byDefault(DEFAULT_CONSENT_COLUMNS[channel]) : named(`consent.${channel}`, given);
    if (column !== undefined) consent[channel] = column;
  }
  const attributes: ResolvedMap['attributes'] = Object.entries(map.attributes ?? {}).map(
    ([trait, column]) => [trait, named(`attributes.${trait}`, column)],
  );
  for (const column of map.ignore ?? []) named('ignore', column);
  if ((map.otherColumns ?? 'attributes') === 'attributes') {
    const used = new Set([
      ...Object.values(fields),
      ...Object.values(consent),
      ...attributes.map(([, column]) => column),
      ...(map.ignore ?? []),
    ]);
    for (const column of header) {
      const trait = column.trim();
      if (used.has(column) || trait === '') continue;
      if (trait === PROTO_KEY) problems.push(protoColumnProblem(column));
      else attributes.push([trait, column]);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, map: { fields, consent, attributes } };
}

/** A trait may not be named `__proto__` (the event contract refuses it): the column can be ignored or renamed. */
function protoColumnProblem(column: string): string {
  return `column "${column}": a trait may not be named "__proto__" (JavaScript reserves the name); name its trait in the map (attributes: {NAME: "${column}"}) or leave it out (ignore: ["${column}"])`;
}

const YES = new Set(['true', 'yes', 'y', '1', 'opted_in', 'opt_in', 'opt-in', 'subscribed']);
const NO = new Set(['false', 'no', 'n', '0', 'opted_out', 'opt_out', 'opt-out', 'unsubscribed']);

/** Maps one CSV row; an empty cell is a field the row does not set. */
export function mapCsvRow(cells: Readonly<Record<string, string | undefined>>, map: ResolvedMap): RowResult {
  const cell = (column: string | undefined) => {
    const value = column === undefined ? undefined : cells[column]?.trim();
    return value === '' ? undefined : value;
  };
  const { fields } = map;
  const userId = cell(fields.userId);
  if (userId === undefined) return badField(fields.userId ?? 'userId', 'empty', 'no-user-id');
  const checked = checkFields(
    {
      email: cell(fields.email),
      phone: cell(fields.phone),
      timezone: cell(fields.timezone),
      locale: cell(fields.locale),
      time: cell(fields.time),
    },
    {
      email: fields.email ?? 'email',
      phone: fields.phone ?? 'phone',
      timezone: fields.timezone ?? 'timezone',
      locale: fields.locale ?? 'locale',
      time: fields.time ?? 'time',
    },
  );
  if (!checked.ok) return checked.result;
  const consent: ConsentTrait = {};
  for (const [channel, column] of Object.entries(map.consent) as [Channel, string][]) {
    const value = cell(column);
    if (value === undefined) continue;
    const word = value.toLowerCase();
    if (YES.has(word)) consent[channel] = true;
    else if (NO.has(word)) consent[channel] = false;
    else
      return badField(
        column,
        `expected yes or no (true/false, 1/0, opted_in/opted_out), got ${JSON.stringify(value)}`,
      );
  }
  const attributes: Record<string, JsonValue> = {};
  for (const [trait, column] of map.attributes) {
    const value = cell(column);
    if (value !== undefined) setField(attributes, trait, value);
  }
  return {
    ok: true,
    profile: {
      userId,
      ...checked.fields,
      attributes,
      ...(Object.keys(consent).length > 0 ? { consent } : {}),
    },
  };
}
