import * as z from 'zod';
import { Channel } from '../journeys/schema.ts';

/**
 * Why a send intent ended as it did. Named after Amazon Pinpoint's execution metrics where one fits
 * (ENDPOINT_OPT_OUT, ENDPOINT_MISSING_ADDRESS, ENDPOINT_MISSING_CHANNEL, ENDPOINT_INACTIVE,
 * DUPLICATE_ENDPOINT); docs/policies.md describes each.
 */
export const OutcomeReason = z.lazy(() =>
  z.enum([
    'sent',
    'missing_channel',
    'missing_address',
    'inactive_device',
    'suppressed',
    'opt_out',
    'no_opt_in',
    'quiet_time',
    'outside_send_window',
    'closed_day',
    'no_send_time',
    'cap_exceeded',
    'duplicate',
    'enrollment_ended',
  ]),
);
export type OutcomeReason = z.infer<typeof OutcomeReason>;

/** Facts recorded on an outcome whatever its status: a fallback that was used, for instance. */
export const OutcomeNote = z.lazy(() => z.enum(['missing_timezone']));
export type OutcomeNote = z.infer<typeof OutcomeNote>;

/** What the delivery policies decided for an intent; SENT once the channel took the message. */
export const SendStatus = z.enum(['SENT', 'DEFERRED', 'SKIPPED', 'DROPPED']);
export type SendStatus = z.infer<typeof SendStatus>;

/** The fields of every outcome the policies decide, built inside the outcomes' schemas on first use. */
const outcomeFields = () => ({
  /** Machine-readable, e.g. `sent`, `opt_out`, `quiet_time`, `cap_exceeded` (OutcomeReason). */
  reason: z.string(),
  /** The channel used or that would have been used. */
  channel: z.string().optional(),
  /** With DEFERRED: when the send is tried again. */
  until: z.number().optional(),
  /** The policy rule that decided, for `cairn explain`. */
  rule: z.string().optional(),
  /** Facts recorded whatever the status, e.g. `missing_timezone` when the default zone was used. */
  notes: z.array(z.string()).optional(),
  /** Per channel considered and not used: why (`push: no_opt_in`), in order of preference. */
  passedOver: z.array(z.string()).optional(),
  /** The enrollment that made the intent ends (the journey's `onCap: drop`). */
  endsEnrollment: z.boolean().optional(),
});

/** Every send intent ends in exactly one outcome of the policies. */
export const SendOutcome = z.lazy(() => z.object({ status: SendStatus, ...outcomeFields() }));
export type SendOutcome = z.infer<typeof SendOutcome>;

/** An outcome decided before the ledger: the send will not go out now (held, skipped or dropped). */
export const DecidedOutcome = z.lazy(() =>
  z.object({ status: SendStatus.exclude(['SENT']), ...outcomeFields() }),
);
export type DecidedOutcome = z.infer<typeof DecidedOutcome>;

/** The provider refused a message that the policies passed (and the ledger claimed, so it is not resent). */
export const ChannelFailure = z.lazy(() =>
  z.object({
    status: z.literal('FAILED'),
    reason: z.string(),
    channel: Channel,
    permanent: z.boolean(),
  }),
);
export type ChannelFailure = z.infer<typeof ChannelFailure>;

/**
 * The message was claimed long ago and never completed: a worker crashed between the claim and the
 * completion, so the provider may or may not have it. Reported, never resent (ledger.ts, decideOnClaimed).
 */
export const UnknownOutcome = z.lazy(() =>
  z.object({
    status: z.literal('UNKNOWN'),
    reason: z.literal('unknown_outcome'),
    claimedAt: z.number(),
    attempt: z.number(),
  }),
);
export type UnknownOutcome = z.infer<typeof UnknownOutcome>;

/** How a send ended once deliver had it: the policies' outcome (with the provider's id when sent), or worse. */
export const DeliveryOutcome = z.lazy(() =>
  z.union([
    SendOutcome.unwrap().extend({ providerMessageId: z.string().optional() }),
    ChannelFailure,
    UnknownOutcome,
  ]),
);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** Every status a message can end in, as reports and journey tests name them. */
export type DeliveryStatus = DeliveryOutcome['status'];

/** What one pipeline stage decided: go on to the next stage, or this is the outcome. */
export type Decision = { pass: true } | { pass: false; outcome: SendOutcome };
