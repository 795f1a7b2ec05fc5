import * as z from 'zod';

/**
 * The parts of Lambda's event payloads the handlers read, parsed with zod rather than trusted: a trigger wired
 * to the wrong function fails loudly at the envelope instead of deep inside a use case. Loose objects: the
 * services add fields over time, and the handlers need only these.
 */
export const SqsRecord = z.lazy(() =>
  z.looseObject({
    messageId: z.string().min(1),
    body: z.string(),
    attributes: z.looseObject({ ApproximateReceiveCount: z.string().optional() }).optional(),
  }),
);
export type SqsRecord = z.infer<typeof SqsRecord>;

export const SqsBatch = z.lazy(() => z.looseObject({ Records: z.array(SqsRecord) }));
export type SqsBatch = z.infer<typeof SqsBatch>;

/**
 * An EventBridge event as a rule delivers it to a Lambda target. Only what tells it apart from other payloads
 * is checked here: the customer-event contract itself is checked by parseCustomerEvent, which names each
 * problem with its field path for the dead-letter destination.
 */
export const EventBridgeEvent = z.lazy(() =>
  z.looseObject({ 'detail-type': z.string(), source: z.string() }),
);

/** ingest is triggered by its SQS queue (the main route) or directly by an EventBridge rule. */
export const IngestEnvelope = z.lazy(() =>
  z.union([
    SqsBatch.transform((batch) => ({ route: 'sqs' as const, batch })),
    EventBridgeEvent.transform((event) => ({ route: 'direct' as const, event })),
  ]),
);

/** The EventBridge Scheduler / scheduled-rule event that starts a timer sweep. */
export const ScheduledEvent = z.lazy(() =>
  z.looseObject({
    'detail-type': z.literal('Scheduled Event'),
    time: z.iso.datetime({ offset: true }),
  }),
);

/** `{ batchItemFailures }`: the SQS records to retry; all others are deleted from the queue. */
export type BatchResponse = { batchItemFailures: { itemIdentifier: string }[] };
