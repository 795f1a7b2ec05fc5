import * as z from 'zod';

/**
 * What a failed provider call means for the message:
 *
 * - `transient`: the provider did not take it and may take it in a moment (throttled, a 5xx, a connection
 *   that was never made). Retried with backoff.
 * - `held`: the message is fine, but this environment cannot send it until a person acts (a spend limit or
 *   quota used up, sending paused, a missing permission, configuration set or application). Not retried here,
 *   since seconds will not help; not permanent either, so the deliver use case dead-letters it for a redrive.
 * - `permanent`: the provider will refuse this message again (invalid content or address, opted-out number,
 *   a suspended account). The send ends with the reason and is never resent.
 * - `unknown`: the request may have reached the provider (a timeout or a reset after it was sent) or the
 *   error is not a provider answer at all. Thrown on: the channel port says throwing means unknown outcome,
 *   and the send ledger then refuses to resend it.
 */
export type ProviderErrorClass =
  | { kind: 'transient'; reason: string }
  | { kind: 'held'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'unknown'; reason: string };

/** The fields of an AWS SDK v3 error (a `ServiceException`, or a Node network error) that classify it. */
const SdkError = z.lazy(() =>
  z.looseObject({
    name: z.string().optional(),
    message: z.string().optional(),
    /** Node's system error code: `ECONNREFUSED`, `ETIMEDOUT`... */
    code: z.string().optional(),
    $fault: z.enum(['client', 'server']).optional(),
    $retryable: z.looseObject({ throttling: z.boolean().optional() }).optional(),
    $metadata: z
      .looseObject({
        httpStatusCode: z.number().optional(),
        clockSkewCorrected: z.boolean().optional(),
      })
      .optional(),
    /** End User Messaging SMS says why in `Reason` (e.g. `DESTINATION_PHONE_NUMBER_OPTED_OUT`). */
    Reason: z.string().optional(),
    cause: z.unknown().optional(),
  }),
);
type SdkError = z.infer<typeof SdkError>;

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'SlowDown',
]);

/** The connection was never established, so the request cannot have reached the provider. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The SDK retries these too, but they can happen after the request was sent: the outcome is unknown. */
const MAYBE_SENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_HTTP2_STREAM_ERROR']);

/** Nothing is wrong with the message; the account or its configuration stops it until a person acts. */
const HELD_NAMES = new Set([
  'ServiceQuotaExceededException', // SMS: monthly spend limit and other quotas
  'LimitExceededException', // SES
  'SendingPausedException', // SES: sending paused for the account or the configuration set
  'NotFoundException', // SES configuration set, Pinpoint application
  'ResourceNotFoundException', // SMS origination identity or configuration set
  'ForbiddenException', // Pinpoint: IAM
  'AccessDeniedException', // SMS: IAM (an account-level reason is permanent, below)
]);

/** SMS `AccessDeniedException` reasons that shut the account off rather than the caller. */
const ACCOUNT_SHUT_OFF_REASONS = new Set(['ACCOUNT_DISABLED', 'INSUFFICIENT_ACCOUNT_REPUTATION']);

/** SES reports a used-up daily quota as a throttle; retrying within seconds cannot help. */
const QUOTA_MESSAGE = /daily message quota exceeded/i;

/** Decides what a thrown provider error means (see `ProviderErrorClass`). Never throws. */
export function classifyProviderError(thrown: unknown): ProviderErrorClass {
  const parsed = SdkError.safeParse(thrown);
  if (!parsed.success) return { kind: 'unknown', reason: `not a provider error: ${String(thrown)}` };
  const error = parsed.data;
  const reason = describe(error);
  const status = error.$metadata?.httpStatusCode;
  const answered = status !== undefined || error.$fault !== undefined;

  if (isThrottle(error, status))
    return QUOTA_MESSAGE.test(error.message ?? '') ? { kind: 'held', reason } : { kind: 'transient', reason };
  if (!answered) return classifyTransport(error, reason, 0);
  if (error.$metadata?.clockSkewCorrected) return { kind: 'transient', reason };
  if (error.$fault === 'server' || (status !== undefined && status >= 500))
    return { kind: 'transient', reason };
  if (error.$retryable !== undefined) return { kind: 'transient', reason };
  if (error.name === 'AccessDeniedException' && ACCOUNT_SHUT_OFF_REASONS.has(error.Reason ?? ''))
    return { kind: 'permanent', reason };
  if (error.name !== undefined && HELD_NAMES.has(error.name)) return { kind: 'held', reason };
  return { kind: 'permanent', reason };
}

function isThrottle(error: SdkError, status: number | undefined): boolean {
  return (
    status === 429 ||
    error.$retryable?.throttling === true ||
    (error.name !== undefined && THROTTLING_NAMES.has(error.name))
  );
}

/** A failure below HTTP: safe to retry only when the connection was never made. */
function classifyTransport(error: SdkError, reason: string, depth: number): ProviderErrorClass {
  if (error.code !== undefined && NOT_CONNECTED_CODES.has(error.code)) return { kind: 'transient', reason };
  if (error.name !== undefined && MAYBE_SENT_NAMES.has(error.name)) return { kind: 'unknown', reason };
  if (error.code !== undefined && MAYBE_SENT_CODES.has(error.code)) return { kind: 'unknown', reason };
  const cause = SdkError.safeParse(error.cause);
  // The SDK sometimes wraps the socket error; the innermost code decides.
  if (cause.success && depth < 5) return classifyTransport(cause.data, reason, depth + 1);
  return { kind: 'unknown', reason };
}

/** `ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT: ...`: the name, the SMS reason, the message. */
function describe(error: SdkError): string {
  const name = error.name ?? error.code ?? 'Error';
  const withReason = error.Reason ? `${name} ${error.Reason}` : name;
  return error.message ? `${withReason}: ${error.message}` : withReason;
}
