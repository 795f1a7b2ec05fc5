import type { SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { type Profile, resolveTimezone } from '../profile/profile.ts';
import { type Suppressions, selectChannel } from './channels.ts';
import type { Policies } from './config.ts';
import type { OutcomeNote, SendOutcome } from './outcome.ts';
import { checkTiming, timeRules } from './timing.ts';

/** Facts an outcome carries whatever the stage that decided it: channels passed over, notes. */
export type OutcomeExtras = { passedOver?: string[]; notes?: OutcomeNote[] };

/** The verdict of the stages before the caps: an outcome, or the channel to count and send on. */
export type Reach =
  | { pass: false; outcome: SendOutcome }
  | { pass: true; channel: Channel; extras: OutcomeExtras };

export type ReachOptions = { policies: Policies; defaultTimezone: string };

/**
 * Stages 1 and 2, pure: the first reachable channel (addresses, devices, suppressions, consent), then the
 * local-time rules on it. The runtime decides in the customer's state with it (customer-delivery.ts).
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
