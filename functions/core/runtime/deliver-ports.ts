import type { SendIntent } from '../engine/state.ts';
import type { ChannelPort } from '../ports/channel.ts';
import type { PolicyStore } from '../ports/policy-store.ts';
import type { SendRateCounters } from '../ports/send-rate.ts';
import type { UnsubscribeKeys } from '../unsubscribe/token.ts';
import { type MessageComposer, messageComposer } from './compose.ts';
import type { DeliverPorts } from './deliver.ts';
import type { ApplyPorts } from './ingest.ts';
import type { RuntimeSetting } from './use-case-ports.ts';

export type DeliverAdapters = {
  /** The send ledger. */
  policyStore: PolicyStore;
  channel: ChannelPort;
  /** Where unsubscribe links point, and the keys that sign them. */
  unsubscribe: { baseUrl: string; keys: UnsubscribeKeys };
  maxSmsSegments?: number;
  /** The journeys' send-rate counters (policies/send-rate.ts). */
  rates?: SendRateCounters;
};

/** The ports that take a send intent through the delivery policies to the channel. */
export function deliverPorts(
  apply: ApplyPorts,
  { policyStore, channel, unsubscribe, maxSmsSegments, rates }: DeliverAdapters,
  setting: RuntimeSetting,
): DeliverPorts {
  const { config, now } = setting;
  return {
    apply,
    policies: config.policies,
    policyStore,
    defaultTimezone: config.defaultTimezone,
    composer: composerOf(setting, messageComposer(config, { ...unsubscribe, now }, maxSmsSegments)),
    channel,
    now,
    ...(rates ? { rates, sendRateOf: sendRateOf(setting) } : {}),
  };
}

/** The send-rate limit of the version a send was made by (the latest, when that version is not known). */
function sendRateOf({ catalogs }: RuntimeSetting): (intent: SendIntent) => number | undefined {
  return (intent) => {
    const catalog = catalogs.current();
    const journey = catalog.version(intent.journeyVersion) ?? catalog.latestOf(intent.journeyId);
    return journey?.journey.sendRate?.perSecond;
  };
}

/** The composer, reading the journeys (their names, for templates) from the setting's catalog source. */
function composerOf({ catalogs }: RuntimeSetting, composer: MessageComposer): MessageComposer {
  return {
    ...composer,
    get catalog() {
      return catalogs.current();
    },
  };
}
