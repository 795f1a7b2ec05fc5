import * as z from 'zod';
import { CHANNELS } from '../channels/index.ts';
import { parseJsonText as parseJson } from '../events/json-text.ts';
import { type FeedbackResult, ignored } from './outcome.ts';

/** The records of every channel's provider, in the channels' order: the first that matches parses a record. */
const RECORD_KINDS = Object.values(CHANNELS).flatMap((descriptor) => descriptor.feedback.records);
/** The EventBridge sources of provider feedback: SES, End User Messaging SMS... */
const FEEDBACK_SOURCES = new Set(
  Object.values(CHANNELS).flatMap((descriptor) => descriptor.feedback.eventSources),
);

/** An EventBridge envelope: SES and End User Messaging put their record in `detail`. */
const EventBridgeEnvelope = z.lazy(() =>
  z.looseObject({
    'detail-type': z.string(),
    source: z.string(),
    time: z.string().optional(),
    detail: z.unknown(),
  }),
);
/** An SNS message as delivered to HTTP/SQS subscribers; the record is the JSON text in `Message`. */
const SnsMessage = z.lazy(() =>
  z.looseObject({
    Type: z.literal('Notification'),
    Message: z.string(),
    Timestamp: z.string(),
  }),
);
/** The event Lambda receives from an SNS subscription. */
const LambdaSnsEvent = z.lazy(() =>
  z.looseObject({
    Records: z.array(z.looseObject({ Sns: z.looseObject({ Message: z.string(), Timestamp: z.string() }) })),
  }),
);

/**
 * Turns whatever the `feedback` handler receives (an EventBridge event, an SNS message, a Lambda SNS event, or a
 * bare record) into outcomes. Never throws on input: anything it does not know is an `ignored` outcome with
 * its reason, so it is counted and logged instead of failing the batch.
 */
export function parseFeedback(input: unknown, receivedAt: number): FeedbackResult {
  const lambda = LambdaSnsEvent.safeParse(input);
  if (lambda.success)
    return {
      outcomes: lambda.data.Records.flatMap(
        (r) => fromSns(r.Sns.Message, Date.parse(r.Sns.Timestamp) || receivedAt).outcomes,
      ),
    };
  const sns = SnsMessage.safeParse(input);
  if (sns.success) return fromSns(sns.data.Message, Date.parse(sns.data.Timestamp) || receivedAt);
  const bridge = EventBridgeEnvelope.safeParse(input);
  if (bridge.success) {
    const { source, detail } = bridge.data;
    if (FEEDBACK_SOURCES.has(source)) return parseRecord(detail, receivedAt);
    return ignored(`EventBridge event from ${source} is not provider feedback`);
  }
  return parseRecord(input, receivedAt);
}

function fromSns(message: string, at: number): FeedbackResult {
  const json = parseJson(message);
  return json.ok ? parseRecord(json.value, at) : ignored('SNS message is not JSON');
}

function parseRecord(record: unknown, receivedAt: number): FeedbackResult {
  const kind = RECORD_KINDS.find((k) => k.matches(record));
  return kind ? kind.map(record, receivedAt) : ignored('unknown feedback record');
}
