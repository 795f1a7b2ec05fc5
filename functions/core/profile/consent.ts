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
  const parsed = ConsentTrait.safeParse(raw);
  if (!parsed.success) return [];
  const changes: ConsentChange[] = [];
  for (const [channel, value] of Object.entries(parsed.data)) {
    const entries =
      typeof value === 'boolean'
        ? [[channel, value] as const]
        : Object.entries(value).map(([topic, v]) => [`${channel}:${topic}`, v] as const);
    for (const [key, given] of entries)
      changes.push({ key, record: { status: given ? 'opted_in' : 'opted_out', source, at } });
  }
  return changes;
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
