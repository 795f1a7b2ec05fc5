import type { CustomerState, SendIntent } from '../engine/state.ts';

/** Every send intent ends in exactly one outcome. */
export type SendStatus = 'SENT' | 'DEFERRED' | 'SKIPPED' | 'DROPPED';

export type SendOutcome = {
  status: SendStatus;
  /** Machine-readable, e.g. `sent`, `opt_out`, `quiet_time`, `cap_exceeded`. */
  reason: string;
  /** The channel used or that would have been used. */
  channel?: string;
  /** With DEFERRED: when the send is tried again. */
  until?: number;
  /** The policy rule that decided, for `cairn explain`. */
  rule?: string;
  /** Facts recorded whatever the status, e.g. `missing_timezone` when the default zone was used. */
  notes?: string[];
  /** Per channel considered and not used: why (`push: no_opt_in`), in order of preference. */
  passedOver?: string[];
  /** The enrollment that made the intent ends (the journey's `onCap: drop`). */
  endsEnrollment?: boolean;
};

/**
 * What happens to a send intent after the engine: policies, then a channel. The simulator and the runtime both
 * call this port, so the policy pipeline plugs in without either changing.
 */
export type SendPipeline = (intent: SendIntent, state: CustomerState, now: number) => Promise<SendOutcome>;

/** Before any policy exists: every intent is sent on its first channel candidate. */
export const sendEverything: SendPipeline = async (intent) => ({
  status: 'SENT',
  reason: 'sent',
  ...(intent.channels[0] ? { channel: intent.channels[0] } : {}),
});
