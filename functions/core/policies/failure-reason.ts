import * as z from 'zod';
import type { RenderFailureReason } from '../channels/kind.ts';
import { Channel } from '../journeys/schema-parts.ts';
import { type DeliveryOutcome, OutcomeReason } from './outcome.ts';

/**
 * Why a send the policies passed ended FAILED, as one of a few names: the `reason` of the `SendOutcomes` metric.
 * The provider's own text stays in the outcome and the log line; a metric dimension takes only these, since
 * every distinct dimension value is a metric of its own in CloudWatch (docs/runtime.md, "Metrics").
 */
export const FailureReason = z.lazy(() =>
  z.enum([
    /** The template did not render (a missing value, a blank part, an SMS too long): nothing went out. */
    'render_failed',
    /** The profile had no address on the channel when the message was composed. */
    'no_address',
    /** The address is not one the provider can send to (an SMS number not in E.164 form). */
    'invalid_address',
    /** The environment has no adapter for the channel. */
    'channel_not_configured',
    /** The provider says the recipient opted out (an SMS number that replied STOP). */
    'opted_out',
    /** No push device took the message. */
    'devices_refused',
    /** The provider stayed throttled or unavailable through the adapter's retries (dead-lettered). */
    'retries_exhausted',
    /** The provider refused for now: a quota, paused sending, a permission (dead-lettered). */
    'provider_held',
    /** The provider refused the message for good, for a reason of its own. */
    'provider_rejected',
  ]),
);
export type FailureReason = z.infer<typeof FailureReason>;

const RENDER_FAILURES: ReadonlySet<string> = new Set<RenderFailureReason>([
  'template-not-found',
  'template-channel-missing',
  'template-invalid',
  'template-missing-variable',
  'template-render-error',
  'template-blank',
  'template-invalid-url',
  'sms-too-long',
]);

/** The leading codes Cairn's own adapters and composer put before their text (`no-address: ...`). */
const CODES: Readonly<Record<string, FailureReason>> = {
  'no-address': 'no_address',
  'invalid-address': 'invalid_address',
  'channel-not-configured': 'channel_not_configured',
  'push-failed': 'devices_refused',
  'retries-exhausted': 'retries_exhausted',
};

/**
 * The enum reason of a failure's text: Cairn's own failures start with their code (`sms-too-long: ...`,
 * `retries-exhausted after 4 attempts: ...`); a provider's error (`ConflictException
 * DESTINATION_PHONE_NUMBER_OPTED_OUT: ...`) is told by whether it is permanent.
 */
export function failureReasonOf(text: string, permanent: boolean): FailureReason {
  const code = /^[a-z][a-z-]*/.exec(text)?.[0] ?? '';
  if (RENDER_FAILURES.has(code)) return 'render_failed';
  const known = CODES[code];
  if (known) return known;
  if (/OPTED_OUT|OPT_OUT/.test(text)) return 'opted_out';
  return permanent ? 'provider_rejected' : 'provider_held';
}

/** What the policies' reasons and the failures' have in common: the enum a metric's `reason` takes. */
export type OutcomeMetricReason = OutcomeReason | FailureReason | 'unknown_outcome' | 'other';

/** The dimensions of one send's `SendOutcomes` count: each from an enum, never free text. */
export type OutcomeDimensions = {
  channel: Channel | 'none' | 'unknown';
  status: DeliveryOutcome['status'];
  reason: OutcomeMetricReason;
};

export function outcomeDimensions(outcome: DeliveryOutcome): OutcomeDimensions {
  switch (outcome.status) {
    case 'UNKNOWN':
      return { channel: 'unknown', status: outcome.status, reason: outcome.reason };
    case 'FAILED':
      return {
        channel: outcome.channel,
        status: outcome.status,
        reason: failureReasonOf(outcome.reason, outcome.permanent),
      };
    default: {
      const reason = OutcomeReason.safeParse(outcome.reason);
      const channel = Channel.safeParse(outcome.channel);
      return {
        channel: channel.success ? channel.data : 'none',
        status: outcome.status,
        reason: reason.success ? reason.data : 'other',
      };
    }
  }
}
