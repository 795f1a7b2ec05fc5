import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import type { SendOutcome } from '../policies/outcome.ts';
import type { OutcomeExtras } from '../policies/reach.ts';
import type { PolicyStore } from '../ports/policy-store.ts';

/**
 * Stage 5: hands the message to the channel. It may say what the provider answered (nothing means sent);
 * that is recorded in the ledger. When it throws, the claim is left without a completion: the provider may
 * have the message, so its outcome is unknown (policies/ledger.ts).
 */
export type Deliver = (
  intent: SendIntent,
  channel: Channel,
) => Promise<ProviderAnswer | undefined> | Promise<void>;

/** What the provider answered, for the ledger. */
export type ProviderAnswer =
  | { status: 'SENT'; providerMessageId?: string }
  | { status: 'FAILED'; error: string }
  /** Refused for now (throttled, unavailable, over quota): the claim is released so a redrive can send it. */
  | { status: 'NOT_SENT'; error: string };

/**
 * Stages 4 and 5: claim the message in the send ledger, hand it to the channel, record what the channel
 * answered. The claim comes first, so that a retry after a crash finds it and never sends again; a message
 * found already claimed is DROPPED as `duplicate`.
 */
export async function claimAndSend(
  store: Pick<PolicyStore, 'claim' | 'complete' | 'release'>,
  intent: SendIntent,
  channel: Channel,
  extras: OutcomeExtras,
  deliver: Deliver | undefined,
  now: number,
): Promise<SendOutcome> {
  if (!(await store.claim(intent.messageId, now)))
    return { status: 'DROPPED', reason: 'duplicate', rule: 'ledger', channel, ...extras };
  const delivered = (await deliver?.(intent, channel)) ?? { status: 'SENT' };
  if (delivered.status === 'NOT_SENT') await store.release(intent.messageId);
  else await store.complete(intent.messageId, { ...delivered, at: now });
  return { status: 'SENT', reason: 'sent', channel, ...extras };
}
