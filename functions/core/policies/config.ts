import * as z from 'zod';
import { CHANNELS, perChannel } from '../channels/index.ts';
import { Category, Channel, Duration, LocalTime, Weekday } from '../journeys/schema-parts.ts';
import { normalizedAddress } from './address.ts';
import { ConsentMode } from './consent-mode.ts';
import { SuppressionReason } from './suppression-reason.ts';

/**
 * Delivery policies: journeys/policies.yaml. This schema is the single source of truth; docs/policies.md
 * explains every option. Objects are strict so that a misspelt key is an error, as in journeys.
 */

export const RuleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected an id of lower-case letters, digits and dashes, e.g. "weekly"')
  .describe('Names the rule in outcomes and in "cairn explain".');

export const Override = z
  .enum(['transactional', 'high-priority'])
  .describe('transactional: sends of transactional journeys. high-priority: send steps with priority high.');
export type Override = z.infer<typeof Override>;

export const HoldOrDrop = z
  .enum(['hold', 'drop'])
  .describe('hold: send at the first allowed minute after. drop: do not send.');

export const CapRule = z
  .strictObject({
    id: RuleId,
    max: z.int().positive().describe('At most this many messages...'),
    per: Duration.describe('...per rolling window of this length, e.g. P7D.'),
    channel: z
      .union([Channel, z.literal('any')])
      .default('any')
      .describe('Count and limit messages on this channel only, or on any channel.'),
    category: Category.optional().describe(
      'Only messages of this category. Transactional messages are only capped by rules that name them.',
    ),
    tag: z.string().min(1).optional().describe('Only messages whose send step carries this tag.'),
  })
  .describe('At most max messages per rolling window; every rule that selects a message applies.');
export type CapRule = z.infer<typeof CapRule>;

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const QuietHours = z
  .strictObject({
    from: LocalTime.describe('Start, local time of the recipient.'),
    to: LocalTime.describe(
      'End (exclusive); may be earlier than from to cross midnight, e.g. 22:00 to 08:00.',
    ),
    behaviour: HoldOrDrop.default('hold'),
    overriddenBy: z.array(Override).default(['transactional']),
  })
  .refine((q) => q.from !== q.to, { message: 'expected from and to to differ', path: ['to'] })
  .describe('No sends on this channel between from and to in the recipient’s local time.');
export type QuietHours = z.infer<typeof QuietHours>;

export const OpenHours = z
  .strictObject({
    days: z.array(Weekday).min(1),
    from: LocalTime,
    to: LocalTime.describe('Exclusive; later than from (open hours do not cross midnight).'),
  })
  .refine((o) => minutes(o.from) < minutes(o.to), { message: 'expected to later than from', path: ['to'] });
export type OpenHours = z.infer<typeof OpenHours>;

export const SendWindow = z
  .strictObject({
    open: z.array(OpenHours).min(1).describe('Sends are allowed inside any of these, in local time.'),
    behaviour: HoldOrDrop.default('hold'),
    overriddenBy: z.array(Override).default(['transactional']),
  })
  .describe('Open hours per weekday for a channel, in the recipient’s local time.');
export type SendWindow = z.infer<typeof SendWindow>;

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD, e.g. "2026-12-25"')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'expected a real calendar date');

export const ClosedDays = z
  .strictObject({
    dates: z
      .array(
        z.strictObject({
          date: IsoDate,
          name: z.string().min(1).optional(),
          channels: z.array(Channel).min(1).optional().describe('Default: every channel.'),
        }),
      )
      .default([]),
    behaviour: HoldOrDrop.default('hold'),
    overriddenBy: z.array(Override).default(['transactional']),
  })
  .describe('Whole local days with no sends (holidays).');
export type ClosedDays = z.infer<typeof ClosedDays>;

export const SuppressedAddress = z.strictObject({
  address: z.string().min(1).describe('An email address or an E.164 phone number.'),
  reason: SuppressionReason,
});

/** Each channel's consent defaults, as its descriptor gives them (functions/core/channels/). */
const DEFAULT_CONSENT: Record<Channel, Record<string, ConsentMode>> = perChannel((channel) => ({
  ...CHANNELS[channel].consent,
}));

export const PolicyFields = {
  caps: z.array(CapRule).default([]),
  quietHours: z.partialRecord(Channel, QuietHours).default({}),
  sendWindows: z.partialRecord(Channel, SendWindow).default({}),
  closedDays: ClosedDays.default({ dates: [], behaviour: 'hold', overriddenBy: ['transactional'] }),
  consent: z
    .partialRecord(Channel, z.record(z.string().min(1), ConsentMode))
    .default(DEFAULT_CONSENT)
    .describe('Per channel, per topic (a category or a tag): what consent a send needs.'),
  suppression: z.array(SuppressedAddress).default([]).describe('Addresses never sent to.'),
};

export const Policies = z.strictObject(PolicyFields).superRefine((p, ctx) => {
  const seen = new Set<string>();
  p.caps.forEach((rule, i) => {
    if (seen.has(rule.id))
      ctx.addIssue({ code: 'custom', path: ['caps', i, 'id'], message: `duplicate cap id "${rule.id}"` });
    seen.add(rule.id);
  });
  p.suppression.forEach((entry, i) => {
    if (normalizedAddress(entry.address) === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['suppression', i, 'address'],
        message: `expected an email address or an E.164 phone number such as +447911123456, got "${entry.address}"`,
      });
  });
});
export type Policies = z.infer<typeof Policies>;

/** The policies when there is no policies file: consent defaults only, nothing capped, no quiet hours. */
export function defaultPolicies(): Policies {
  return Policies.parse({});
}

/**
 * No delivery policies (`--policies none`, journey tests with `policies: false`): nothing capped or held,
 * consent not consulted. A message still needs an address or an active device to go anywhere.
 */
export function noPolicies(): Policies {
  return Policies.parse({
    consent: perChannel(() => ({ marketing: 'none', transactional: 'none' })),
  });
}
