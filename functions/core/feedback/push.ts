import * as z from 'zod';
import {
  customerEvent,
  type FeedbackOutcome,
  type FeedbackResult,
  type MessageIds,
  type MessageStatus,
} from './outcome.ts';

/** The part of a Pinpoint `SendMessages` response that says what happened to each device token. */
export const SendMessagesResponse = z.lazy(() =>
  z.looseObject({
    MessageResponse: z.looseObject({
      Result: z
        .record(
          z.string(),
          z.looseObject({
            DeliveryStatus: z.string(),
            StatusCode: z.number().optional(),
            StatusMessage: z.string().optional(),
            UpdatedToken: z.string().optional(),
            MessageId: z.string().optional(),
          }),
        )
        .default({}),
    }),
  }),
);

const STATUS: Record<string, MessageStatus> = {
  SUCCESSFUL: 'delivered',
  DUPLICATE: 'failed',
  OPT_OUT: 'failed',
  PERMANENT_FAILURE: 'failed',
  TEMPORARY_FAILURE: 'failed',
  THROTTLED: 'failed',
  TIMEOUT: 'failed',
  UNKNOWN_FAILURE: 'failed',
};

/** The statuses that become customer events, and their names (docs/channels.md, "Provider feedback"). */
export const PUSH_CUSTOMER_EVENTS = { delivered: 'Push Delivered', failed: 'Push Failed' } as const;

/**
 * Push results arrive in the response to the send, so the adapter passes Cairn's ids along. A permanent failure
 * or an opt-out deactivates the token; an `UpdatedToken` replaces it (FCM refreshes registrations).
 */
export function mapPushResults(input: unknown, ids: MessageIds, at: number): FeedbackResult {
  const parsed = SendMessagesResponse.safeParse(input);
  if (!parsed.success) return { outcomes: [{ kind: 'ignored', reason: 'not a SendMessages response' }] };
  const outcomes: FeedbackOutcome[] = [];
  for (const [token, result] of Object.entries(parsed.data.MessageResponse.Result)) {
    const status = STATUS[result.DeliveryStatus];
    if (status === undefined) {
      outcomes.push({ kind: 'ignored', reason: `unknown push delivery status "${result.DeliveryStatus}"` });
      continue;
    }
    const providerMessageId = result.MessageId ?? `${ids.messageId}:${token.slice(0, 12)}`;
    const detail = `${result.DeliveryStatus}${result.StatusMessage ? `: ${result.StatusMessage}` : ''}`;
    outcomes.push({ kind: 'message-status', channel: 'push', providerMessageId, ids, status, at, detail });
    if (result.UpdatedToken)
      outcomes.push({ kind: 'token-updated', token, updatedToken: result.UpdatedToken });
    if (result.DeliveryStatus === 'PERMANENT_FAILURE' || result.DeliveryStatus === 'OPT_OUT')
      outcomes.push({ kind: 'token-deactivated', token, reason: detail });
    outcomes.push(
      ...customerEvent(
        status === 'delivered' ? PUSH_CUSTOMER_EVENTS.delivered : PUSH_CUSTOMER_EVENTS.failed,
        ids,
        providerMessageId,
        at,
        {
          deliveryStatus: result.DeliveryStatus,
        },
      ),
    );
  }
  return { outcomes };
}
