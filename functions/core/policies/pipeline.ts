import type { CustomerState, SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { resolveTimezone } from '../profile/profile.ts';
import type { SendOutcome, SendPipeline } from '../simulate/pipeline.ts';
import { capOutcome, capsFor } from './caps.ts';
import { addressesOf, selectChannel, suppressionsFrom } from './channels.ts';
import type { Policies } from './config.ts';
import type { OutcomeNote } from './outcome.ts';
import type { PolicyStore } from './store.ts';
import { checkTiming, timeRules } from './timing.ts';

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
  deliver?: (intent: SendIntent, channel: Channel) => Promise<ProviderAnswer | undefined> | Promise<void>;
};

/** What the provider answered, for the ledger. */
export type ProviderAnswer =
  | { status: 'SENT'; providerMessageId?: string }
  | { status: 'FAILED'; error: string };

/**
 * The send pipeline, in a fixed order: channel selection, local-time rules, caps, the dedupe ledger, send.
 * Every intent ends in exactly one outcome; the first stage that does not pass decides it.
 */
export function policyPipeline(options: PolicyPipelineOptions): SendPipeline {
  const { policies, store, defaultTimezone } = options;
  return async (intent: SendIntent, state: CustomerState, now: number): Promise<SendOutcome> => {
    const { profile } = state;
    const suppressions = suppressionsFrom(
      policies,
      await store.suppressed(addressesOf(profile), intent.userId),
    );
    const choice = selectChannel(intent, profile, policies, suppressions);
    if (!choice.reachable) {
      // Reported on the channel that got furthest; the others are listed as passed over.
      const why = choice.why;
      const others = choice.passedOver.filter((p) => p !== why).map((p) => `${p.channel}: ${p.reason}`);
      return {
        status: 'SKIPPED',
        reason: why?.reason ?? 'missing_channel',
        ...(why?.rule ? { rule: why.rule } : {}),
        ...(why ? { channel: why.channel } : {}),
        ...(others.length > 0 ? { passedOver: others } : {}),
      };
    }
    const passedOver = choice.passedOver.map((p) => `${p.channel}: ${p.reason}`);
    const extra = passedOver.length > 0 ? { passedOver } : {};
    const { channel } = choice;

    const zone = resolveTimezone(profile, defaultTimezone);
    const usesLocalTime = timeRules(intent, channel, policies).length > 0;
    const missing: OutcomeNote[] = usesLocalTime && zone.source === 'default' ? ['missing_timezone'] : [];
    const notes = missing.length > 0 ? { notes: missing } : {};
    const timing = checkTiming(intent, channel, zone.zone, policies, now);
    if (!timing.pass) return { ...timing.outcome, ...extra, ...notes };

    const counted = await store.tryCount(
      intent.userId,
      intent.messageId,
      now,
      capsFor(intent, channel, policies),
    );
    if (!counted.ok) return { ...capOutcome(intent, channel, counted.blocking), ...extra, ...notes };

    if (!(await store.claim(intent.messageId, now)))
      return { status: 'DROPPED', reason: 'duplicate', rule: 'ledger', channel, ...extra, ...notes };

    const delivered = (await options.deliver?.(intent, channel)) ?? { status: 'SENT' };
    await store.complete(intent.messageId, { ...delivered, at: now });
    return { status: 'SENT', reason: 'sent', channel, ...extra, ...notes };
  };
}
