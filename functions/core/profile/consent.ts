import * as z from 'zod';
import { Channel } from '../journeys/enums.ts';

/** A customer's word on one channel or topic, as the profile keeps it. */
export const ConsentRecord = z.lazy(() =>
  z.object({
    status: z.enum(['opted_in', 'opted_out']),
    /** Who recorded it: the event source, `unsubscribe-link`, `sms-stop`, ... */
    source: z.string(),
    at: z.number(),
  }),
);
export type ConsentRecord = z.infer<typeof ConsentRecord>;

export type ConsentChange = { key: string; record: ConsentRecord };

/**
 * Consent as apps send it in `traits.consent`: per channel a boolean, or per topic a boolean.
 * `{ email: true, sms: { marketing: false } }` opts in to all email and out of marketing SMS.
 */
export const ConsentTrait = z.lazy(() =>
  z.partialRecord(Channel, z.union([z.boolean(), z.record(z.string(), z.boolean())])),
);
export type ConsentTrait = z.infer<typeof ConsentTrait>;

export function consentChangesFromTraits(raw: unknown, source: string, at: number): ConsentChange[] {
  if (raw === undefined) return [];
  // What apps send reads as it is; anything else is parsed, and refused when it is not consent.
  let consent: ConsentTrait;
  if (isPlainConsent(raw)) consent = raw;
  else {
    const parsed = ConsentTrait.safeParse(raw);
    if (!parsed.success) return [];
    consent = parsed.data;
  }
  const changes: ConsentChange[] = [];
  for (const [channel, value] of Object.entries(consent)) {
    const entries =
      typeof value === 'boolean'
        ? [[channel, value] as const]
        : Object.entries(value).map(([topic, v]) => [`${channel}:${topic}`, v] as const);
    for (const [key, given] of entries)
      changes.push({ key, record: { status: given ? 'opted_in' : 'opted_out', source, at } });
  }
  return changes;
}

/**
 * Whether `raw` is consent in the plainest form apps send (a plain object whose names are channels and whose
 * values are booleans or plain objects of booleans), which ConsentTrait accepts and gives back with the same
 * names in the same order: such a trait is read as it is, without the parse, which cost about as much as the
 * rest of the profile update on the events that carry one. Anything else is left to ConsentTrait.
 */
function isPlainConsent(raw: unknown): raw is ConsentTrait {
  if (!isPlainObject(raw)) return false;
  for (const channel in raw) {
    if (!Object.hasOwn(raw, channel)) return false;
    if (!CHANNEL_NAMES.has(channel)) return false;
    const value = raw[channel];
    if (typeof value === 'boolean') continue;
    if (!isPlainObject(value)) return false;
    for (const topic in value)
      if (!Object.hasOwn(value, topic) || typeof value[topic] !== 'boolean') return false;
  }
  return true;
}

const CHANNEL_NAMES: ReadonlySet<string> = new Set(Channel.options);

/**
 * An object made by JSON.parse or a literal: Object's prototype and no symbol names (the parse reads those too,
 * and refuses them); names it skips (`__proto__`, names not enumerable) are refused by the loops above or not
 * seen by either.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

export function consentKey(channel: Channel, topic?: string): string {
  return topic ? `${channel}:${topic}` : channel;
}

/** The most specific record: the topic's, else the channel's. */
export function consentFor(
  consent: Readonly<Record<string, ConsentRecord>>,
  channel: Channel,
  topic?: string,
): ConsentRecord | undefined {
  return (topic ? consent[consentKey(channel, topic)] : undefined) ?? consent[channel];
}
