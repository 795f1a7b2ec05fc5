/**
 * One line of a Pinpoint endpoint export (what `CreateExportJob` writes: one endpoint as JSON per line) as an
 * imported profile. Every field is mapped as docs/audiences.md lists it; fields Cairn has no use for
 * (`CohortId`, `CreationDate`, `RequestId`, `ApplicationId`, `Demographic.Make`...) are read and left.
 */
import * as z from 'zod';
import { setField } from '../../collections/own-field.ts';
import type { JsonValue } from '../../events/index.ts';
import type { Channel } from '../../journeys/enums.ts';
import type { PushPlatform } from '../../profile/profile.ts';
import {
  badField,
  checkFields,
  type ImportedProfile,
  protoFieldRefusal,
  type RowResult,
} from './imported-profile.ts';

const Values = z.lazy(() => z.record(z.string(), z.array(z.string())));

/** The endpoint as exported. Loose: Pinpoint adds fields, and an export is read as it is. */
export const PinpointEndpoint = z.lazy(() =>
  z.looseObject({
    Id: z.string().optional(),
    ChannelType: z.string(),
    Address: z.string().optional(),
    EndpointStatus: z.string().optional(),
    OptOut: z.string().optional(),
    EffectiveDate: z.string().optional(),
    Demographic: z.looseObject({ Timezone: z.string().optional(), Locale: z.string().optional() }).optional(),
    Location: z.looseObject({ Country: z.string().optional(), City: z.string().optional() }).optional(),
    Attributes: Values.optional(),
    Metrics: z.record(z.string(), z.number()).optional(),
    User: z.looseObject({ UserId: z.string().optional(), UserAttributes: Values.optional() }).optional(),
  }),
);
export type PinpointEndpoint = z.infer<typeof PinpointEndpoint>;

/** The channel types Cairn delivers on, and how: an address (email, sms) or a push device. */
const CHANNELS: Record<string, { channel: Channel; platform?: PushPlatform }> = {
  EMAIL: { channel: 'email' },
  SMS: { channel: 'sms' },
  APNS: { channel: 'push', platform: 'APNS' },
  APNS_SANDBOX: { channel: 'push', platform: 'APNS_SANDBOX' },
  GCM: { channel: 'push', platform: 'FCM' },
};

/** A zod issue as `field: message`, the field in the export's own names (`Demographic.Timezone`). */
function firstIssue(error: z.ZodError): { field: string; reason: string } {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  return { field: field === '' ? '(line)' : field, reason: issue?.message ?? 'not an endpoint' };
}

function attributesOf(endpoint: PinpointEndpoint): Record<string, JsonValue> {
  const attributes: Record<string, JsonValue> = {};
  // Endpoint attributes first, then the user's: a user attribute is the same on all of the user's endpoints.
  for (const [key, values] of Object.entries(endpoint.Attributes ?? {})) setField(attributes, key, values);
  for (const [key, values] of Object.entries(endpoint.User?.UserAttributes ?? {}))
    setField(attributes, key, values);
  if (endpoint.Location?.Country !== undefined) attributes.country = endpoint.Location.Country;
  if (endpoint.Location?.City !== undefined) attributes.city = endpoint.Location.City;
  if (endpoint.Metrics !== undefined && Object.keys(endpoint.Metrics).length > 0)
    attributes.metrics = endpoint.Metrics;
  return attributes;
}

/** Maps one parsed export line. */
export function mapPinpointEndpoint(value: unknown): RowResult {
  const refused = protoFieldRefusal(value);
  if (refused) return refused;
  const parsed = PinpointEndpoint.safeParse(value);
  if (!parsed.success) {
    const { field, reason } = firstIssue(parsed.error);
    return badField(field, reason);
  }
  const endpoint = parsed.data;
  const how = CHANNELS[endpoint.ChannelType];
  if (how === undefined)
    return badField(
      'ChannelType',
      `${endpoint.ChannelType} endpoints are not delivered by Cairn (EMAIL, SMS, APNS, APNS_SANDBOX, GCM are)`,
      'unsupported-channel',
    );
  if (endpoint.EndpointStatus === 'INACTIVE')
    return badField(
      'EndpointStatus',
      'INACTIVE: Pinpoint no longer sent to this endpoint',
      'inactive-endpoint',
    );
  const userId = endpoint.User?.UserId || endpoint.Id;
  if (userId === undefined || userId === '')
    return badField('User.UserId', 'neither User.UserId nor Id is set', 'no-user-id');
  const address = endpoint.Address;
  if (address === undefined || address === '') return badField('Address', 'missing');
  if (endpoint.OptOut !== undefined && endpoint.OptOut !== 'ALL' && endpoint.OptOut !== 'NONE')
    return badField('OptOut', `expected ALL or NONE, got ${JSON.stringify(endpoint.OptOut)}`);
  const checked = checkFields(
    {
      email: how.channel === 'email' ? address : undefined,
      phone: how.channel === 'sms' ? address : undefined,
      timezone: endpoint.Demographic?.Timezone,
      locale: endpoint.Demographic?.Locale,
      time: endpoint.EffectiveDate,
    },
    {
      email: 'Address',
      phone: 'Address',
      timezone: 'Demographic.Timezone',
      locale: 'Demographic.Locale',
      time: 'EffectiveDate',
    },
  );
  if (!checked.ok) return checked.result;
  const profile: ImportedProfile = { userId, ...checked.fields, attributes: attributesOf(endpoint) };
  if (how.platform !== undefined) profile.device = { token: address, platform: how.platform };
  // ALL is the endpoint's opt-out of everything sent to it; NONE says nothing (no opt-in is implied).
  if (endpoint.OptOut === 'ALL') profile.consent = { [how.channel]: false };
  return { ok: true, profile };
}
