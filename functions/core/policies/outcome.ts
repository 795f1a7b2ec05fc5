import * as z from 'zod';
import type { SendOutcome } from '../simulate/pipeline.ts';

/**
 * Why a send intent ended as it did. Named after Amazon Pinpoint's execution metrics where one fits
 * (ENDPOINT_OPT_OUT, ENDPOINT_MISSING_ADDRESS, ENDPOINT_MISSING_CHANNEL, ENDPOINT_INACTIVE,
 * DUPLICATE_ENDPOINT); docs/policies.md describes each.
 */
export const OutcomeReason = z.enum([
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
]);
export type OutcomeReason = z.infer<typeof OutcomeReason>;

/** Facts recorded on an outcome whatever its status: a fallback that was used, for instance. */
export const OutcomeNote = z.enum(['missing_timezone']);
export type OutcomeNote = z.infer<typeof OutcomeNote>;

/** What one pipeline stage decided: go on to the next stage, or this is the outcome. */
export type Decision = { pass: true } | { pass: false; outcome: SendOutcome };
