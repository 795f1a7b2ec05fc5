import type { CustomerState, SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { type Profile, resolveTimezone } from '../profile/profile.ts';
import type { SendOutcome, SendPipeline } from '../simulate/pipeline.ts';
import { capOutcome, capsFor } from './caps.ts';
import { addressesOf, type Suppressions, selectChannel, suppressionsFrom } from './channels.ts';
import type { Policies } from './config.ts';
import type { OutcomeNote } from './outcome.ts';
import type { PolicyStore } from './store.ts';
import { checkTiming, timeRules } from './timing.ts';

/** Stage 5: hands the message to the channel (see PolicyPipelineOptions.deliver). */
export type Deliver = (
  intent: SendIntent,
  channel: Channel,
) => Promise<ProviderAnswer | undefined> | Promise<void>;

export type PolicyPipelineOptions = {
  policies: Policies;
  store: PolicyStore;
  /** The zone for local-time rules when the profile has none (recorded as `missing_timezone`). */
  defaultTimezone: string;
  /**
   * Stage 5: hands the message to the channel. The simulator records it and sends nothing. It may say what
   * the provider answered (nothing means sent); that is recorded in the ledger. When it throws, the claim is
   * left without a completion: the provider may have the message, so its outcome is unknown (ledger.ts).
   */
  deliver?: Deliver;
};

/** What the provider answered, for the ledger. */
export type ProviderAnswer =
  | { status: 'SENT'; providerMessageId?: string }
  | { status: 'FAILED'; error: string }
  /** Refused for now (throttled, unavailable, over quota): the claim is released so a redrive can send it. */
  | { status: 'NOT_SENT'; error: string };

/** Facts an outcome carries whatever the stage that decided it: channels passed over, notes. */
export type OutcomeExtras = { passedOver?: string[]; notes?: OutcomeNote[] };

/** The verdict of the stages before the caps: an outcome, or the channel to count and send on. */
export type Reach =
  | { pass: false; outcome: SendOutcome }
  | { pass: true; channel: Channel; extras: OutcomeExtras };

export type ReachOptions = { policies: Policies; defaultTimezone: string };

/**
 * Stages 1 and 2, pure: the first reachable channel (addresses, devices, suppressions, consent), then the
 * local-time rules on it. Shared by the pipeline below and by the runtime, which decides in the customer's
 * state (customer-delivery.ts), so that both decide alike.
 */
export function reachAndTiming(
  intent: SendIntent,
  profile: Profile,
  suppressions: Suppressions,
  { policies, defaultTimezone }: ReachOptions,
  now: number,
): Reach {
  const choice = selectChannel(intent, profile, policies, suppressions);
  if (!choice.reachable) {
    // Reported on the channel that got furthest; the others are listed as passed over.
    const why = choice.why;
    const others = choice.passedOver.filter((p) => p !== why).map((p) => `${p.channel}: ${p.reason}`);
    return {
      pass: false,
      outcome: {
        status: 'SKIPPED',
        reason: why?.reason ?? 'missing_channel',
        ...(why?.rule ? { rule: why.rule } : {}),
        ...(why ? { channel: why.channel } : {}),
        ...(others.length > 0 ? { passedOver: others } : {}),
      },
    };
  }
  const passedOver = choice.passedOver.map((p) => `${p.channel}: ${p.reason}`);
  const { channel } = choice;
  const zone = resolveTimezone(profile, defaultTimezone);
  const usesLocalTime = timeRules(intent, channel, policies).length > 0;
  const notes: OutcomeNote[] = usesLocalTime && zone.source === 'default' ? ['missing_timezone'] : [];
  const extras: OutcomeExtras = {
    ...(passedOver.length > 0 ? { passedOver } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  const timing = checkTiming(intent, channel, zone.zone, policies, now);
  if (!timing.pass) return { pass: false, outcome: { ...timing.outcome, ...extras } };
  return { pass: true, channel, extras };
}

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

/**
 * The send pipeline, in a fixed order: channel selection, local-time rules, caps, the dedupe ledger, send.
 * Every intent ends in exactly one outcome; the first stage that does not pass decides it.
 */
export function policyPipeline(options: PolicyPipelineOptions): SendPipeline {
  const { policies, store } = options;
  return async (intent: SendIntent, state: CustomerState, now: number): Promise<SendOutcome> => {
    const { profile } = state;
    const suppressions = suppressionsFrom(policies, await store.suppressed(addressesOf(profile)));
    const reach = reachAndTiming(intent, profile, suppressions, options, now);
    if (!reach.pass) return reach.outcome;
    const { channel, extras } = reach;

    const counted = await store.tryCount(
      intent.userId,
      intent.messageId,
      now,
      capsFor(intent, channel, policies),
    );
    if (!counted.ok) return { ...capOutcome(intent, channel, counted.blocking), ...extras };

    return claimAndSend(store, intent, channel, extras, options.deliver, now);
  };
}
