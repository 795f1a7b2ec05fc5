import * as z from 'zod';
import { parseJsonText as parseJson } from '../../core/events/json-text.ts';
import { type FeedbackPorts, type FeedbackReport, handleFeedback } from '../../core/runtime/feedback.ts';
import { processSqsBatch } from '../shared/batch.ts';
import { type BatchResponse, SqsBatch } from '../shared/envelopes.ts';
import {
  count,
  countBy,
  type Observability,
  observability,
  withObservability,
} from '../shared/observability.ts';
import { once } from '../shared/once.ts';

/**
 * How feedback arrives: an SQS batch (records whose bodies are EventBridge events or SNS messages), or
 * directly an EventBridge event or a Lambda SNS event, which parseFeedback tells apart itself. An SNS event
 * also has `Records`, but its records have no `messageId` and `body`, so it is not taken for an SQS batch.
 */
const FeedbackEnvelope = z.lazy(() =>
  z.union([
    SqsBatch.transform((batch) => ({ route: 'sqs' as const, batch })),
    z.unknown().transform((input) => ({ route: 'direct' as const, input })),
  ]),
);

/**
 * Provider feedback (SES events and notifications, End User Messaging SMS events and inbound STOP replies)
 * into suppressions, consent changes and customer events. Content it does not know is counted and logged,
 * never thrown. A record fails, and SQS retries it alone, only when the policy store or the ingest queue does;
 * on a direct invocation the throw makes Lambda retry the event.
 */
export function feedbackHandler(
  ports: () => Promise<FeedbackPorts>,
  obs: Observability = observability('feedback'),
) {
  return withObservability(async (event: unknown): Promise<BatchResponse | undefined> => {
    const envelope = FeedbackEnvelope.parse(event);
    const resolved = await ports();
    if (envelope.route === 'sqs') {
      return processSqsBatch(
        envelope.batch,
        async (record) => {
          const body = parseJson(record.body);
          if (body.ok) report(await handleFeedback(body.value, resolved), obs, record.messageId);
          else report(notJson(), obs, record.messageId);
        },
        // Each record's writes are idempotent and independent of the others' (no customer state is read).
        { logger: obs.logger, parallel: true },
      );
    }
    report(await handleFeedback(envelope.input, resolved), obs, 'direct');
    return undefined;
  }, obs);
}

function notJson(): FeedbackReport {
  return {
    statuses: [],
    suppressions: [],
    published: [],
    unattributed: [],
    ignored: ['SQS body is not JSON'],
  };
}

function report(result: FeedbackReport, { logger, metrics }: Observability, origin: string): void {
  count(metrics, 'FeedbackRecords');
  // The ids of the messages whose status this record also published as a customer event: ingest writes that
  // event's `feedback` outcome record (docs/outcomes.md), so its status line at INFO would be a second copy.
  const recorded = new Set(result.published.map((e) => e.detail.properties?.messageId));
  for (const s of result.statuses) {
    countBy(metrics, 'MessageStatuses', { channel: s.channel, status: s.status });
    const level = s.ids !== undefined && recorded.has(s.ids.messageId) ? 'debug' : 'info';
    logger[level]('message status', {
      origin,
      channel: s.channel,
      status: s.status,
      providerMessageId: s.providerMessageId,
      at: new Date(s.at).toISOString(),
      ...(s.detail === undefined ? {} : { detail: s.detail }),
      ...(s.ids ?? {}),
    });
  }
  for (const s of result.suppressions) {
    countBy(metrics, 'Suppressions', { channel: s.channel, reason: s.reason });
    logger.info('address suppressed', { origin, channel: s.channel, reason: s.reason, cause: s.cause });
  }
  for (const e of result.published) countBy(metrics, 'FeedbackEvents', { event: e['detail-type'] });
  for (const u of result.unattributed) {
    countBy(metrics, 'FeedbackUnattributed', { kind: u.kind, channel: u.channel });
    logger.warn('feedback names no customer; nothing changed', { origin, ...u });
  }
  if (result.ignored.length > 0) {
    count(metrics, 'FeedbackIgnored', result.ignored.length);
    for (const reason of result.ignored) logger.info('feedback ignored', { origin, reason });
  }
}

export const handler = feedbackHandler(once(async () => (await import('./wiring.ts')).wireFeedback()));
