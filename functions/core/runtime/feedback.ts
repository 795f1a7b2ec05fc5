import { CHANNELS } from '../channels/index.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { FeedbackOutcome, MessageIds, MessageStatus, OptOutSource } from '../feedback/outcome.ts';
import { parseFeedback } from '../feedback/parse.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import { normalizedAddress } from '../policies/address.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { DeviceChange } from '../ports/channel.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { PolicyStore } from '../ports/policy-store.ts';
import { deviceChangeEvents } from './device-changes.ts';
import { UNSUBSCRIBED } from './unsubscribe.ts';

/** The source of the consent events provider feedback publishes (customer events use it too: outcome.ts). */
export const FEEDBACK_SOURCE = 'cairn.feedback';

export type FeedbackPorts = {
  policyStore: PolicyStore;
  events: EventPublisher;
  /** When the feedback arrived: the time of records that carry none (an inbound SMS). */
  now: () => number;
};

export type StatusSeen = {
  channel: Channel;
  status: MessageStatus;
  providerMessageId: string;
  ids?: MessageIds;
  at: number;
  detail?: string;
};

export type SuppressionMade = {
  channel: Channel;
  address: string;
  reason: SuppressionReason;
  /** What the provider said, e.g. `hard-bounce: Permanent/General`, `sms-stop`. */
  cause: string;
};

/** An outcome about a customer Cairn could not name: counted and logged, since nothing can be changed. */
export type Unattributed = {
  kind: 'opt-out' | 'token-updated' | 'token-deactivated';
  channel: Channel;
  detail: string;
};

/** What one provider record did, for the handler's metrics and logs. */
export type FeedbackReport = {
  statuses: StatusSeen[];
  suppressions: SuppressionMade[];
  published: CustomerEvent[];
  unattributed: Unattributed[];
  /** The reason of each outcome that changed nothing (unknown record, intermediate status...). */
  ignored: string[];
};

/**
 * One provider record, in whatever form it arrived (EventBridge event, SNS message, Lambda SNS event, bare
 * record: see parseFeedback), applied. Never throws on its content; throws only when the policy store or the
 * publisher does, so the record is retried, which is harmless: suppressing again changes nothing, and every
 * published event has a deterministic id that ingest drops the second time.
 */
export async function handleFeedback(input: unknown, ports: FeedbackPorts): Promise<FeedbackReport> {
  const receivedAt = ports.now();
  return applyFeedbackOutcomes(parseFeedback(input, receivedAt).outcomes, ports, receivedAt);
}

/**
 * Applies the outcomes of one provider record (or of one push `SendMessages` response, from mapPushResults):
 *
 * - `suppress` (hard bounce, complaint, invalid number) goes to the policy store's suppression list;
 * - `opt-out` of SMS suppresses the number with `stop`; an email or push opt-out becomes a consent event for
 *   the customer the record names, or is unattributed when it names none;
 * - `customer-event` and token changes are published back to ingest, where journeys and the profile see them;
 * - `message-status` and `ignored` are only reported: no store of statuses exists.
 */
export async function applyFeedbackOutcomes(
  outcomes: readonly FeedbackOutcome[],
  ports: Pick<FeedbackPorts, 'policyStore' | 'events'>,
  receivedAt: number,
): Promise<FeedbackReport> {
  const report: FeedbackReport = {
    statuses: [],
    suppressions: [],
    published: [],
    unattributed: [],
    ignored: [],
  };
  const owner = tokenOwner(outcomes);
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case 'message-status':
        report.statuses.push(statusSeen(outcome));
        break;
      case 'suppress': {
        const reason = suppressionReason(outcome.reason);
        if (reason === undefined) report.ignored.push(`no suppression reason for "${outcome.reason}"`);
        else report.suppressions.push(suppression(outcome.channel, outcome.address, reason, outcome.reason));
        break;
      }
      case 'opt-out':
        optOut(outcome, report);
        break;
      case 'customer-event':
        report.published.push({ version: '0', resources: [], ...outcome.event });
        break;
      case 'token-updated':
      case 'token-deactivated':
        deviceChange(outcome, owner, receivedAt, report);
        break;
      case 'ignored':
        report.ignored.push(outcome.reason);
        break;
      default:
        unreachable(outcome);
    }
  }
  await Promise.all([
    ...report.suppressions.map((s) => ports.policyStore.suppress(s.address, s.reason)),
    report.published.length > 0 ? ports.events.publish(report.published) : undefined,
  ]);
  return report;
}

function statusSeen(outcome: Extract<FeedbackOutcome, { kind: 'message-status' }>): StatusSeen {
  const { channel, status, providerMessageId, ids, at, detail } = outcome;
  return {
    channel,
    status,
    providerMessageId,
    at,
    ...(ids ? { ids } : {}),
    ...(detail === undefined ? {} : { detail }),
  };
}

/**
 * The provider's suppression reasons, as Cairn's policies name them. An invalid phone number is a
 * `hard_bounce`: like a mailbox that does not exist, it will never take a message, and the suppression list
 * is what keeps Cairn from paying to try again.
 */
function suppressionReason(reason: string): SuppressionReason | undefined {
  if (reason.startsWith('hard-bounce')) return 'hard_bounce';
  if (reason.startsWith('complaint')) return 'complaint';
  if (reason === 'invalid-number') return 'hard_bounce';
  return undefined;
}

/** Profiles keep addresses normalised (profile/addresses.ts); the suppression must name the same text. */
function suppression(
  channel: Channel,
  address: string,
  reason: SuppressionReason,
  cause: string,
): SuppressionMade {
  return { channel, address: normalizedAddress(address) ?? address.trim(), reason, cause };
}

/**
 * What an opt-out does is the channel's (`feedback.optOut` of its descriptor, functions/core/channels/).
 * `suppress-address`: an SMS opt-out (a STOP reply, a carrier's opt-out) names a phone number and no customer:
 * an inbound reply carries no Cairn ids. Carriers apply STOP to the number, whoever owns it, so the number is
 * suppressed with `stop`, which holds for every profile with that number and for every category.
 * `consent-event`: an email or push opt-out (SES subscription management) is a consent change of one customer:
 * published as a consent event when the record carried Cairn's ids, so the profile records it with its source
 * and time; without the ids nobody is known, and suppressing the address would also stop transactional email,
 * so it is only reported.
 */
function optOut(outcome: Extract<FeedbackOutcome, { kind: 'opt-out' }>, report: FeedbackReport): void {
  const { channel, address, topic, source, at, ids } = outcome;
  if (CHANNELS[channel].feedback.optOut === 'suppress-address') {
    report.suppressions.push(suppression(channel, address, 'stop', source));
    return;
  }
  if (!ids) {
    report.unattributed.push({
      kind: 'opt-out',
      channel,
      detail: `${source} opt-out of ${topic ? `${channel}:${topic}` : channel} without Cairn's ids`,
    });
    return;
  }
  report.published.push(consentEvent(ids, channel, topic, source, at));
}

function consentEvent(
  ids: MessageIds,
  channel: Channel,
  topic: string | undefined,
  method: OptOutSource,
  at: number,
): CustomerEvent {
  return {
    version: '0',
    // Deterministic: a provider re-delivering the record publishes the same event, which ingest drops.
    id: `${ids.messageId}:${UNSUBSCRIBED}:${channel}:${topic ?? '*'}`,
    source: FEEDBACK_SOURCE,
    'detail-type': UNSUBSCRIBED,
    time: new Date(at).toISOString(),
    resources: [],
    detail: {
      userId: ids.userId,
      properties: {
        channel,
        ...(topic === undefined ? {} : { topic }),
        method,
        journeyId: ids.journeyId,
        stepId: ids.stepId,
        messageId: ids.messageId,
      },
      traits: { consent: { [channel]: topic === undefined ? false : { [topic]: false } } },
    },
  };
}

/**
 * Token outcomes name a token, not a customer. They come from one push response, whose device results all
 * carry the ids the adapter passed: the customer is the one those statuses name, when they name exactly one.
 */
function tokenOwner(outcomes: readonly FeedbackOutcome[]): MessageIds | undefined {
  const named = outcomes.flatMap((o) => (o.kind === 'message-status' && o.ids ? [o.ids] : []));
  const users = new Set(named.map((ids) => ids.userId));
  return users.size === 1 ? named[0] : undefined;
}

function deviceChange(
  outcome: Extract<FeedbackOutcome, { kind: 'token-updated' | 'token-deactivated' }>,
  owner: MessageIds | undefined,
  at: number,
  report: FeedbackReport,
): void {
  const change: DeviceChange =
    outcome.kind === 'token-updated'
      ? { kind: 'updated', token: outcome.token, updatedToken: outcome.updatedToken }
      : { kind: 'deactivated', token: outcome.token, reason: outcome.reason };
  if (!owner) {
    // A token is a credential of sorts for pushing to a device: logs get its first characters only.
    const shown = `${outcome.token.slice(0, 12)}…`;
    report.unattributed.push({ kind: outcome.kind, channel: 'push', detail: `token ${shown}` });
    return;
  }
  // The same ids as deliver's own write-back (runtime/device-changes.ts), so both paths make one event.
  report.published.push(...deviceChangeEvents(owner.userId, owner.messageId, [change], at));
}

function unreachable(value: never): never {
  throw new Error(`unexpected feedback outcome ${JSON.stringify(value)}`);
}
