import * as z from 'zod';
import { CallIntent } from '../calls/intent.ts';

export { MAX_DELAY_SECONDS } from './send-queue.ts';

/** One message on the calls queue: the call, which attempt this is, and when a retry is due. */
export const QueuedCall = z.lazy(() =>
  z.object({
    intent: CallIntent,
    /** 1 for the first attempt. */
    attempt: z.number(),
    /** Epoch ms. A message that arrives earlier is put back, since one queue delay cannot exceed 15 minutes. */
    notBefore: z.number().optional(),
  }),
);
export type QueuedCall = z.infer<typeof QueuedCall>;

/** What to enqueue: the message, and how long the queue keeps it invisible (0 to MAX_DELAY_SECONDS). */
export type EnqueuedCall = { call: QueuedCall; delaySeconds: number };

/** Where call intents wait for the calls function, apart from sends, so a slow target never holds up a send. */
export interface CallQueue {
  /** Enqueues every message, or throws. */
  enqueue(messages: readonly EnqueuedCall[]): Promise<void>;
}
