import * as z from 'zod';

// The environment schemas live apart from the AWS wiring, so that a function which reads them (feedback,
// unsubscribe) does not bundle the engine, the journeys and their loaders with them.

/** What every function reads from its environment; the CDK app sets these. */
export const RuntimeEnvironment = z.lazy(() =>
  z.object({
    CAIRN_TABLE_NAME: z.string().min(1),
    CAIRN_INGEST_QUEUE_URL: z.url(),
    CAIRN_SEND_QUEUE_URL: z.url(),
    CAIRN_DEAD_LETTER_QUEUE_URL: z.url(),
    /** The calls queue, for call steps (docs/runtime.md, `calls`); without it a call is dead-lettered. */
    CAIRN_CALLS_QUEUE_URL: z.url().optional(),
    /** The folder in the bundle holding cairn-config.json, compiled by `cdk synth` from journeys/ (compiled-config.ts). */
    CAIRN_CONFIG_DIR: z.string().min(1).default('journeys'),
    /** The environment of policies.yaml and lifecycle.yaml to apply (e.g. `eu`); their base values without. */
    CAIRN_ENVIRONMENT: z.string().min(1).optional(),
    CAIRN_DEFAULT_TIMEZONE: z.string().min(1).default('UTC'),
    /** How many days before the function's clock an event's time may be: the bus archive's retention (events/limits.ts). */
    CAIRN_EVENT_PAST_DAYS: z.coerce.number().int().positive().optional(),
    /** How many days after the function's clock an event's time may be (events/limits.ts; default 7). */
    CAIRN_EVENT_FUTURE_DAYS: z.coerce.number().int().positive().optional(),
    /** The Firehose stream of the outcome log (docs/outcomes.md); without it no outcome record is written. */
    CAIRN_OUTCOME_STREAM: z.string().min(1).optional(),
    /** How many active journeys get a `JourneyId` metric dimension of their own (docs/runtime.md, "Metrics"). */
    CAIRN_JOURNEY_METRICS: z.coerce.number().int().nonnegative().optional(),
  }),
);
export type RuntimeEnvironment = z.infer<typeof RuntimeEnvironment>;

/**
 * What the functions that send or sign links read besides (docs/channels.md). A channel whose settings are
 * absent has no adapter, and its sends fail with `channel-not-configured` rather than vanish.
 */
export const ChannelEnvironment = z.lazy(() =>
  z.object({
    /** The public URL of the unsubscribe function (its function URL); links in messages point here. */
    CAIRN_UNSUBSCRIBE_URL: z.url(),
    /** The Secrets Manager secret (name or ARN) holding the unsubscribe signing keys (adapters/secrets/). */
    CAIRN_UNSUBSCRIBE_SECRET_ID: z.string().min(1),
    /** A verified SES identity to send from, e.g. `Shop <news@example.com>`. */
    CAIRN_EMAIL_FROM: z.string().min(1).optional(),
    CAIRN_EMAIL_REPLY_TO: z.string().min(1).optional(),
    /** The SES configuration set that publishes sending events to EventBridge (feedback). */
    CAIRN_SES_CONFIGURATION_SET: z.string().min(1).optional(),
    /** An End User Messaging phone number, sender id or pool (id or ARN). */
    CAIRN_SMS_ORIGINATION_IDENTITY: z.string().min(1).optional(),
    CAIRN_SMS_CONFIGURATION_SET: z.string().min(1).optional(),
    /** The Pinpoint application (project) id whose APNs/FCM channels carry push. */
    CAIRN_PUSH_APPLICATION_ID: z.string().min(1).optional(),
    CAIRN_MAX_SMS_SEGMENTS: z.coerce.number().int().positive().optional(),
  }),
);
export type ChannelEnvironment = z.infer<typeof ChannelEnvironment>;
