/**
 * One line of Cairn's own JSON Lines profile format as an imported profile. Strict: a misspelt field is named,
 * not lost. docs/audiences.md shows a line.
 */
import * as z from 'zod';
import type { JsonValue } from '../../events/index.ts';
import { ConsentTrait } from '../../profile/consent.ts';
import { PushPlatform } from '../../profile/profile.ts';
import { badField, checkFields, protoFieldRefusal, type RowResult } from './imported-profile.ts';

export const ProfileLine = z.lazy(() =>
  z.strictObject({
    userId: z.string().min(1),
    email: z.string().optional(),
    phone: z.string().optional(),
    timezone: z.string().optional(),
    locale: z.string().optional(),
    consent: ConsentTrait.optional(),
    device: z.strictObject({ token: z.string().min(1), platform: PushPlatform }).optional(),
    attributes: z.record(z.string(), z.json()).optional(),
    time: z.string().optional(),
  }),
);
export type ProfileLine = z.infer<typeof ProfileLine>;

export function mapProfileLine(value: unknown): RowResult {
  const refused = protoFieldRefusal(value);
  if (refused) return refused;
  const parsed = ProfileLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
    const field = issue?.path.map(String).join('.') || '(line)';
    return badField(field, `${issue?.message ?? 'not a profile line'}${keys}`);
  }
  const line = parsed.data;
  const checked = checkFields(line, {
    email: 'email',
    phone: 'phone',
    timezone: 'timezone',
    locale: 'locale',
    time: 'time',
  });
  if (!checked.ok) return checked.result;
  const attributes: Record<string, JsonValue> = { ...line.attributes };
  return {
    ok: true,
    profile: {
      userId: line.userId,
      ...checked.fields,
      attributes,
      ...(line.consent === undefined ? {} : { consent: line.consent }),
      ...(line.device === undefined ? {} : { device: line.device }),
    },
  };
}
