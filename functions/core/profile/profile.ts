import * as z from 'zod';
import type { EveryField } from '../collections/every-field.ts';
import type { CustomerEvent, Traits } from '../events/index.ts';
import { type Channel, LifecycleStage } from '../journeys/enums.ts';
import { PurchaseSummary } from '../lifecycle/purchases.ts';
import { parseInstant } from '../time/instant.ts';
import { isValidTimezone } from '../time/zoned.ts';
import { normalizeEmail, normalizePhone, phoneTimezone } from './addresses.ts';
import { type ConsentChange, ConsentRecord, consentChangesFromTraits } from './consent.ts';

/** Push platforms as Pinpoint SendMessages names its channels (GCM is FCM's former name). */
export const PushPlatform = z.lazy(() => z.enum(['APNS', 'APNS_SANDBOX', 'FCM']));
export type PushPlatform = z.infer<typeof PushPlatform>;

export const PushDevice = z.lazy(() =>
  z.object({
    token: z.string().min(1),
    platform: PushPlatform,
    lastSeenAt: z.number(),
    /** False once the push service said the token is permanently invalid. */
    active: z.boolean(),
  }),
);
export type PushDevice = z.infer<typeof PushDevice>;

/** How the profile's timezone was found, so policies can tell a guess from a fact. */
export const TimezoneSource = z.lazy(() => z.enum(['trait', 'phone', 'context']));
export type TimezoneSource = z.infer<typeof TimezoneSource>;

export const MAX_DEVICES = 5;

/**
 * The customer profile: traits, channel addresses, consent and lifecycle. Addresses are only kept when they are
 * valid (the raw value stays in `traits` for inspection), so a present address is a usable one.
 */
export const Profile = z.lazy(() =>
  z.object({
    traits: z.record(z.string(), z.json()).default({}),
    email: z.string().optional(),
    /** E.164, e.g. +447700900123. */
    phone: z.string().optional(),
    devices: z.array(PushDevice).default([]),
    timezone: z.string().optional(),
    timezoneSource: TimezoneSource.optional(),
    locale: z.string().optional(),
    /** Keyed by channel (`email`) or channel and topic (`email:newsletter`). */
    consent: z.record(z.string(), ConsentRecord).default({}),
    firstSeenAt: z.number().optional(),
    lastSeenAt: z.number().optional(),
    stage: LifecycleStage.optional(),
    stageSince: z.number().optional(),
    purchases: PurchaseSummary.optional(),
    /** Static lists the customer was imported into (`cairn import profiles --list NAME`), sorted, no repeats. */
    lists: z.array(z.string()).optional(),
  }),
);
export type Profile = z.infer<typeof Profile>;

export const LIFECYCLE_SOURCE = 'cairn.lifecycle';
export const STAGE_CHANGED = 'Lifecycle Stage Changed';
/** Events Cairn's channels emit about the customer's push tokens (runtime/device-changes.ts). */
export const DEVICE_SOURCE = 'cairn.channels';
export const PUSH_TOKEN_CHANGED = 'Push Token Changed';
/** The event every imported row becomes (functions/core/import/profiles/); its sources start with this. */
export const PROFILE_IMPORTED = 'Profile Imported';
export const IMPORT_SOURCE_PREFIX = 'cairn.import.';

export function emptyProfile(): Profile {
  return profileWith({ traits: {}, devices: [], consent: {} }, undefined, undefined);
}

/**
 * A copy of `profile` with every field of the schema, in the schema's order, absent ones undefined (JSON leaves
 * them out), and the seen times given. Profiles read back from JSON keep their fields in the order they were
 * added, so they come in many object shapes; made this way every profile the engine makes has one, and the
 * copy on every event and the reads after it stay monomorphic. The JSON holds the same fields and values, in
 * the schema's order (the order a zod parse of a stored state gives them too).
 */
function profileWith(
  profile: Profile,
  firstSeenAt: number | undefined,
  lastSeenAt: number | undefined,
): Profile {
  const fields: EveryField<Profile> = {
    traits: profile.traits,
    devices: profile.devices,
    consent: profile.consent,
    firstSeenAt,
    lastSeenAt,
    email: profile.email,
    phone: profile.phone,
    locale: profile.locale,
    timezone: profile.timezone,
    timezoneSource: profile.timezoneSource,
    stage: profile.stage,
    stageSince: profile.stageSince,
    purchases: profile.purchases,
    lists: profile.lists,
  };
  return fields;
}

const TIMEZONE_RANK: Record<TimezoneSource, number> = { trait: 3, phone: 2, context: 1 };

/**
 * The timezone fallback chain: an explicit trait, then the phone number's country (when the country has one
 * zone), then the event's context. A source never replaces a better one.
 */
function updateTimezone(profile: Profile, candidate: string | undefined, source: TimezoneSource): void {
  if (candidate === undefined || !isValidTimezone(candidate)) return;
  const current = profile.timezoneSource ? TIMEZONE_RANK[profile.timezoneSource] : 0;
  if (TIMEZONE_RANK[source] < current) return;
  profile.timezone = candidate;
  profile.timezoneSource = source;
}

function platformOf(raw: string | undefined): PushPlatform | undefined {
  const name = raw?.toUpperCase();
  if (name === 'APNS' || name === 'IOS') return 'APNS';
  if (name === 'APNS_SANDBOX') return 'APNS_SANDBOX';
  if (name === 'FCM' || name === 'GCM' || name === 'ANDROID') return 'FCM';
  return undefined;
}

function upsertDevice(
  devices: readonly PushDevice[],
  token: string,
  platform: PushPlatform,
  at: number,
): PushDevice[] {
  const others = devices.filter((d) => d.token !== token);
  const next = [{ token, platform, lastSeenAt: at, active: true }, ...others];
  return next.sort((a, b) => b.lastSeenAt - a.lastSeenAt).slice(0, MAX_DEVICES);
}

/**
 * A token the provider renamed keeps its device under the new name; a token it refused for good stays listed
 * but inactive, so `inactive_device` explains why push is no longer reachable.
 */
function changedDevices(devices: readonly PushDevice[], properties: Record<string, unknown>): PushDevice[] {
  const { token, updatedToken, deactivated } = properties;
  if (typeof token !== 'string') return [...devices];
  if (typeof updatedToken === 'string' && updatedToken !== '')
    return devices
      .filter((d) => d.token !== updatedToken)
      .map((d) => (d.token === token ? { ...d, token: updatedToken } : d));
  if (typeof deactivated === 'string')
    return devices.map((d) => (d.token === token ? { ...d, active: false } : d));
  return [...devices];
}

/**
 * An import's `--list NAME` adds the customer to that static list; lists are only ever added to (as Pinpoint's
 * imported segments), so importing a file again, or another file into the same list, changes nothing twice.
 */
function withLists(profile: Profile, lists: unknown): Profile {
  if (!Array.isArray(lists)) return profile;
  const names = lists.filter((name): name is string => typeof name === 'string' && name !== '');
  const merged = [...new Set([...(profile.lists ?? []), ...names])].sort();
  if (merged.length === (profile.lists ?? []).length) return profile;
  return { ...profile, lists: merged };
}

export function applyConsent(profile: Profile, changes: readonly ConsentChange[]): Profile {
  if (changes.length === 0) return profile;
  const consent = { ...profile.consent };
  for (const change of changes) {
    const previous = consent[change.key];
    if (previous && previous.at > change.record.at) continue;
    consent[change.key] = change.record;
  }
  return { ...profile, consent };
}

/**
 * The profile's traits with the event's over them: the very object given when the event's traits are all
 * there with the same values (most events of a customer repeat the same traits), else a copy. The same fields,
 * values and order as the spread either way; keeping the object spares a copy per event and lets what reads
 * the traits (the date triggers, triggers/date.ts) tell by identity that nothing changed.
 */
function mergedTraits(given: Profile['traits'], traits: Traits): Profile['traits'] {
  for (const key in traits)
    if (!Object.hasOwn(traits, key) || !Object.hasOwn(given, key) || given[key] !== traits[key])
      return { ...given, ...traits };
  return given;
}

/** Folds an event's traits and context into the profile. Returns a new profile; the input is not changed. */
export function applyEventToProfile(profile: Profile, event: CustomerEvent, at: number): Profile {
  const { traits, context, properties } = event.detail;
  // When the customer was seen is when the event happened (not when it arrived, so a late or re-ordered
  // delivery changes nothing), but never later than now: a sender's clock may run ahead.
  const time = parseInstant(event.time);
  const happened = Math.min(time, at);
  const next = profileWith(
    profile,
    Math.min(profile.firstSeenAt ?? happened, happened),
    Math.max(profile.lastSeenAt ?? happened, happened),
  );
  if (traits) {
    next.traits = mergedTraits(profile.traits, traits);
    const email = traits.email === undefined ? undefined : normalizeEmail(traits.email);
    if (email) next.email = email;
    const phone = traits.phone === undefined ? undefined : normalizePhone(traits.phone);
    if (phone) next.phone = phone;
    if (traits.locale) next.locale = traits.locale;
    updateTimezone(next, traits.timezone, 'trait');
  }
  if (next.phone && next.phone !== profile.phone) updateTimezone(next, phoneTimezone(next.phone), 'phone');
  updateTimezone(next, context?.timezone, 'context');
  if (!next.locale && context?.locale) next.locale = context.locale;
  const token = context?.device?.token;
  const platform = platformOf(context?.device?.platform);
  if (token && platform) next.devices = upsertDevice(profile.devices, token, platform, at);
  const withConsent = applyConsent(next, consentChangesFromTraits(traits?.consent, event.source, time));
  if (event.source === DEVICE_SOURCE && event['detail-type'] === PUSH_TOKEN_CHANGED)
    return { ...withConsent, devices: changedDevices(withConsent.devices, properties) };
  if (event.source.startsWith(IMPORT_SOURCE_PREFIX) && event['detail-type'] === PROFILE_IMPORTED)
    return withLists(withConsent, properties.lists);
  if (event.source === LIFECYCLE_SOURCE && event['detail-type'] === STAGE_CHANGED) {
    const stage = LifecycleStage.safeParse(properties.to);
    if (stage.success && stage.data !== withConsent.stage)
      return { ...withConsent, stage: stage.data, stageSince: at };
  }
  return withConsent;
}

export type ResolvedTimezone = { zone: string; source: TimezoneSource | 'default' };

/** The zone to apply local-time rules in; the environment's default when nothing better is known. */
export function resolveTimezone(profile: Profile, defaultZone: string): ResolvedTimezone {
  return profile.timezone && profile.timezoneSource
    ? { zone: profile.timezone, source: profile.timezoneSource }
    : { zone: defaultZone, source: 'default' };
}

/**
 * The document that audience and branch conditions match against with EventBridge pattern semantics.
 * Documented in docs/profile.md.
 */
export function profileView(userId: string, profile: Profile): Record<string, unknown> {
  return {
    userId,
    traits: profile.traits,
    stage: profile.stage ?? null,
    timezone: profile.timezone ?? null,
    locale: profile.locale ?? null,
    ...(profile.lists ? { lists: profile.lists } : {}),
    // What each channel's descriptor says of reach (functions/core/channels/), which imports this module, so
    // cannot be called from it; test/core/channels/table.test.ts holds the two together.
    reachable: {
      email: profile.email !== undefined,
      sms: profile.phone !== undefined,
      push: profile.devices.some((d) => d.active),
    } satisfies Record<Channel, boolean>,
  };
}
