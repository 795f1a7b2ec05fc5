/**
 * Something the runtime will not retry, kept with its reasons for a person to look at (and redrive once fixed).
 *
 * - invalid-event: the event breaks the customer-event contract; retrying cannot fix it.
 * - undelivered-send: the provider stayed unavailable or throttled through the channel's retries; the send
 *   was not made and can be redriven once the provider is back.
 * - undispatched-effects: the customer's state was written, but handing its effects on (timers, sends,
 *   emitted events) failed. Retrying the input would find it already processed and do nothing, so the
 *   effects themselves are kept here instead.
 */
export type DeadLetter =
  | {
      kind: 'invalid-event';
      /** The envelope id when the event has one. */
      eventId: string | undefined;
      /** Each problem with the field path it concerns (`detail.userId`), empty for the whole event. */
      problems: { path: string; message: string }[];
      /** The record as received, unparsed, so that it can be fixed and sent again. */
      body: string;
      /** Where it came from: the SQS message id, or `direct` for an EventBridge invocation. */
      origin: string;
    }
  | {
      kind: 'undelivered-send';
      messageId: string;
      userId: string;
      channel: string;
      reason: string;
      /** The send intent as queued, so that a redrive can enqueue it again. */
      intent: unknown;
      origin: string;
    }
  | {
      kind: 'undispatched-effects';
      userId: string;
      inputKey: string;
      error: string;
      /** The effects that were not handed on, as the engine returned them. */
      effects: unknown[];
      origin: string;
    };

export interface DeadLetters {
  /** Keeps the letter, or throws; the caller then fails the record so the queue retries it. */
  put(letter: DeadLetter): Promise<void>;
}
