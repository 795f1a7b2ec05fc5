import * as z from 'zod';
import { SendIntent } from '../engine/state.ts';
import { DecidedSend } from '../policies/decided.ts';

/**
 * One message on the send queue: an intent, and for a held send the instant before which it must not be tried.
 * The body of every send-queue message; the deliver handler parses it with this schema.
 */
export const QueuedSend = z.lazy(() =>
  z.object({
    intent: SendIntent,
    /** Epoch ms. A message that arrives earlier is put back, since one queue delay cannot exceed 15 minutes. */
    notBefore: z.number().optional(),
    /** The policies' decision, when ingest made it; absent, deliver decides (policies/decided.ts). */
    decided: DecidedSend.optional(),
    /**
     * The second (epoch seconds) the send reserved under its journey's send-rate limit (policies/send-rate.ts):
     * it goes out then, without reserving again.
     */
    slot: z.number().int().optional(),
  }),
);
export type QueuedSend = z.infer<typeof QueuedSend>;

/** What to enqueue: the message, and how long the queue keeps it invisible (0 to MAX_DELAY_SECONDS). */
export type Enqueued = { send: QueuedSend; delaySeconds: number };

/** SQS DelaySeconds cannot exceed 15 minutes; longer holds hop through the queue (see runtime/deliver.ts). */
export const MAX_DELAY_SECONDS = 900;

/**
 * Where send intents wait for the deliver function. The engine has already decided the send; the queue only
 * decouples the decision from the provider call, so a slow or failing channel never holds up ingest.
 */
export interface SendQueue {
  /** Enqueues every message, or throws: a partial enqueue is reported as a failure of the whole call. */
  enqueue(messages: readonly Enqueued[]): Promise<void>;
}
