import { CHANNELS } from '../channels/index.ts';
import type { NoRecipient } from '../channels/kind.ts';
import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import { consentFor } from '../profile/consent.ts';
import type { Profile } from '../profile/profile.ts';
import { normalizedAddress } from './address.ts';
import type { Policies } from './config.ts';
import type { OutcomeReason } from './outcome.ts';
import type { SuppressionReason } from './suppression-reason.ts';

/** Suppressed addresses (normalized) and why, from the policies file and the policy store. */
export type Suppressions = ReadonlyMap<string, SuppressionReason>;

type Unreachable = { channel: Channel; reason: OutcomeReason; rule?: string; depth: number };
export type ChannelChoice =
  | { reachable: true; channel: Channel; passedOver: Unreachable[] }
  | { reachable: false; passedOver: Unreachable[]; why: Unreachable | undefined };

/** The addresses of a profile that a suppression list could name, one per channel that has one. */
export function addressesOf(profile: Profile): string[] {
  return Object.values(CHANNELS).flatMap((descriptor) => descriptor.address(profile) ?? []);
}

/** How far a channel got before it was passed over: the deepest reason is the most telling. */
const DEPTH: Record<NoRecipient | 'suppressed' | 'consent', number> = {
  missing_address: 0,
  inactive_device: 1,
  suppressed: 2,
  consent: 3,
};

export function suppressionsFrom(policies: Policies, stored: Iterable<[string, SuppressionReason]>) {
  const map = new Map<string, SuppressionReason>(stored);
  for (const entry of policies.suppression) {
    const address = normalizedAddress(entry.address);
    if (address !== undefined) map.set(address, entry.reason);
  }
  return map;
}

/**
 * Checks in the order a marketer would ask: is there an address, is the device alive (both as the channel's
 * descriptor says), is the address suppressed, is there consent. `depth` is how far the channel got, so the
 * most telling reason is reported.
 */
function unreachable(
  intent: SendIntent,
  channel: Channel,
  profile: Profile,
  policies: Policies,
  suppressions: Suppressions,
): Unreachable | undefined {
  const reach = CHANNELS[channel].reach(profile);
  if (!reach.ok) return { channel, reason: reach.reason, depth: DEPTH[reach.reason] };
  const address = CHANNELS[channel].address(profile);
  const suppressed = address === undefined ? undefined : suppressions.get(address);
  if (suppressed)
    return { channel, reason: 'suppressed', rule: `suppression.${suppressed}`, depth: DEPTH.suppressed };
  const modes = policies.consent[channel] ?? {};
  const topics = [intent.category, ...intent.tags.filter((t) => modes[t] !== undefined)];
  for (const topic of topics) {
    // A category without a rule still honours an explicit opt-out.
    const mode = modes[topic] ?? 'opt-out';
    if (mode === 'none') continue;
    const record = consentFor(profile.consent, channel, topic);
    const rule = `consent.${channel}.${topic}`;
    if (record?.status === 'opted_out') return { channel, reason: 'opt_out', rule, depth: DEPTH.consent };
    if (mode === 'opt-in' && record?.status !== 'opted_in')
      return { channel, reason: 'no_opt_in', rule, depth: DEPTH.consent };
  }
  return undefined;
}

/** Stage 1: the first channel of the intent's preference that is reachable. */
export function selectChannel(
  intent: SendIntent,
  profile: Profile,
  policies: Policies,
  suppressions: Suppressions,
): ChannelChoice {
  const passedOver: Unreachable[] = [];
  for (const channel of intent.channels) {
    const why = unreachable(intent, channel, profile, policies, suppressions);
    if (!why) return { reachable: true, channel, passedOver };
    passedOver.push(why);
  }
  const deepest = Math.max(...passedOver.map((p) => p.depth));
  return { reachable: false, passedOver, why: passedOver.find((p) => p.depth === deepest) };
}
