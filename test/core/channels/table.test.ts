import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHANNELS, isChannel } from '../../../functions/core/channels/index.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import { newCustomerState, type SendIntent } from '../../../functions/core/engine/state.ts';
import { parseFeedback } from '../../../functions/core/feedback/parse.ts';
import { Category, Channel } from '../../../functions/core/journeys/schema-parts.ts';
import { addressesOf, selectChannel } from '../../../functions/core/policies/channels.ts';
import { defaultPolicies, noPolicies } from '../../../functions/core/policies/config.ts';
import {
  type ChannelAdapters,
  channelRouter,
  type OutboundMessage,
} from '../../../functions/core/ports/channel.ts';
import { emptyProfile, type Profile, profileView } from '../../../functions/core/profile/profile.ts';
import { composeMessage, type MessageComposer } from '../../../functions/core/runtime/compose.ts';
import { checkTemplates } from '../../../functions/core/templates/check.ts';
import { TemplateFile, TemplateVariant } from '../../../functions/core/templates/schema.ts';
import { loadTemplateSet } from '../../../functions/core/templates/template-files.ts';

/**
 * Keeps the channel table whole: one descriptor per channel of the journey language, in functions/core/channels/,
 * each under its own name and providing every piece; and the readers take each channel's part from its
 * descriptor: the templates' schema and check, the policies' reach and consent defaults, the composer and the
 * router, and the feedback parser.
 */

const CHANNELS_DIR = 'functions/core/channels';
/** The files of the folder that are not channels: the table and the definition of a descriptor. */
const NOT_CHANNELS = ['index.ts', 'kind.ts'];

const T0 = Date.parse('2026-11-02T10:00:00Z');

/**
 * Per channel: a template part with one Liquid text, a profile the channel reaches, and one it does not reach
 * with the reason. `satisfies` makes a channel without a sample a compile error, so a new channel cannot skip
 * these tests.
 */
const SAMPLES = {
  email: {
    template: 'email:\n  subject: "Hi {{ profile.traits.firstName }}"\n  html: <p>Hi</p>\n  text: Hi\n',
    reached: { ...emptyProfile(), email: 'ana@example.com', traits: { firstName: 'Ana' } },
    unreached: { profile: emptyProfile(), reason: 'missing_address' },
  },
  sms: {
    template: 'sms:\n  body: "Hi {{ profile.traits.firstName }}"\n',
    reached: { ...emptyProfile(), phone: '+447700900123', traits: { firstName: 'Ana' } },
    unreached: { profile: emptyProfile(), reason: 'missing_address' },
  },
  push: {
    template: 'push:\n  title: "Hi {{ profile.traits.firstName }}"\n  body: Hello\n',
    reached: {
      ...emptyProfile(),
      traits: { firstName: 'Ana' },
      devices: [{ token: 'tok-1', platform: 'FCM', lastSeenAt: T0, active: true }],
    },
    unreached: {
      profile: {
        ...emptyProfile(),
        devices: [{ token: 'tok-1', platform: 'FCM', lastSeenAt: T0, active: false }],
      },
      reason: 'inactive_device',
    },
  },
} satisfies Record<
  Channel,
  { template: string; reached: Profile; unreached: { profile: Profile; reason: string } }
>;

function intentOn(channel: Channel): SendIntent {
  return {
    messageId: `msg_${channel}`,
    userId: 'usr_1',
    journeyId: 'welcome-series',
    journeyVersion: 'v1',
    enrollmentId: 'enr_1',
    stepId: 'hello',
    channels: [channel],
    template: `hello-${channel}`,
    priority: 'normal',
    category: 'transactional',
    tags: [],
    at: T0,
  };
}

/** A composer over the sample templates, signing nothing: the link names its channel. */
function composer(): MessageComposer {
  const files = Channel.options.map((c) => ({
    file: `journeys/templates/hello-${c}.yaml`,
    text: SAMPLES[c].template,
  }));
  const { templates, problems } = loadTemplateSet(files);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return {
    templates,
    catalog: new JourneyCatalog(),
    unsubscribeUrl: (claims) => `https://unsubscribe.test/${claims.channel}`,
    maxSmsSegments: 3,
    now: () => T0,
  };
}

describe('the channel table', () => {
  it('has one descriptor per channel of the journey language, under its own name, in the enum order', () => {
    // Assess
    expect(Object.keys(CHANNELS)).toEqual(Channel.options);
    for (const channel of Channel.options) expect(CHANNELS[channel].channel).toBe(channel);
  });

  it('has one module per descriptor in functions/core/channels/', async () => {
    // Act
    const files = (await readdir(CHANNELS_DIR)).filter((f) => f.endsWith('.ts') && !NOT_CHANNELS.includes(f));

    // Assess
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual([...Channel.options].sort());
  });

  it('gives every piece for every channel', () => {
    for (const channel of Channel.options) {
      // Act
      const descriptor = CHANNELS[channel];

      // Assess
      expect(descriptor.inWords, channel).not.toBe('');
      for (const piece of ['address', 'reach', 'liquidParts', 'render', 'preview', 'envelope'] as const)
        expect(typeof descriptor[piece], `${channel}.${piece}`).toBe('function');
      expect(Object.keys(descriptor.consent), channel).toEqual(Category.unwrap().options);
      expect(typeof descriptor.parts.safeParse, channel).toBe('function');
      expect(['suppress-address', 'consent-event'], channel).toContain(descriptor.feedback.optOut);
      expect(Object.values(descriptor.feedback.customerEvents).length, channel).toBeGreaterThan(0);
      // A provider that publishes feedback has records to parse, and records come from somewhere.
      expect(descriptor.feedback.eventSources.length > 0, channel).toBe(
        descriptor.feedback.records.length > 0,
      );
    }
  });

  it('tells a channel name from any other text', () => {
    // Assess
    for (const channel of Channel.options) expect(isChannel(channel)).toBe(true);
    for (const other of ['any', 'toString', '', undefined]) expect(isChannel(other)).toBe(false);
  });
});

describe('the readers of the table', () => {
  it('templates: a template has exactly one part per channel, with the descriptor’s schema', () => {
    // Assess
    expect(Object.keys(TemplateVariant.shape)).toEqual(Channel.options);
    for (const channel of Channel.options) {
      expect(TemplateVariant.shape[channel].unwrap()).toBe(CHANNELS[channel].parts);
      expect(TemplateFile.shape[channel].unwrap()).toBe(CHANNELS[channel].parts);
    }
  });

  it('templates: the static check reads every channel’s Liquid texts, at their path', () => {
    // Prepare: each sample's first text names an unknown trait root.
    const files = Channel.options.map((c) => ({
      file: `journeys/templates/broken-${c}.yaml`,
      text: SAMPLES[c].template.replace('profile.traits.firstName', 'profil.firstName'),
    }));
    const { templates } = loadTemplateSet(files);

    // Act
    const problems = checkTemplates(templates.values());

    // Assess
    expect(problems.map((p) => p.path.split('.')[0]).sort()).toEqual([...Channel.options].sort());
  });

  it('policies: consent defaults are the descriptors’, and no policies consult none', () => {
    // Act
    const defaults = defaultPolicies().consent;
    const none = noPolicies().consent;

    // Assess
    for (const channel of Channel.options) {
      expect(defaults[channel]).toEqual(CHANNELS[channel].consent);
      expect(Object.values(none[channel] ?? {})).toEqual(Category.unwrap().options.map(() => 'none'));
    }
  });

  it('policies and profile view: a channel is reachable as its descriptor says, and its address may be suppressed', () => {
    for (const channel of Channel.options) {
      // Prepare
      const { reached, unreached } = SAMPLES[channel];

      // Act
      const yes = selectChannel(intentOn(channel), reached, noPolicies(), new Map());
      const no = selectChannel(intentOn(channel), unreached.profile, noPolicies(), new Map());

      // Assess
      expect(yes, channel).toMatchObject({ reachable: true, channel });
      expect(no, channel).toMatchObject({ reachable: false, why: { channel, reason: unreached.reason } });
      expect(profileView('usr_1', reached).reachable, channel).toMatchObject({ [channel]: true });
      expect(profileView('usr_1', unreached.profile).reachable, channel).toMatchObject({ [channel]: false });
      const address = CHANNELS[channel].address(reached);
      expect(addressesOf(reached), channel).toEqual(address === undefined ? [] : [address]);
    }
  });

  it('composer and router: each channel’s message goes to its own adapter, or is refused without one', async () => {
    for (const channel of Channel.options) {
      // Prepare
      const state = { ...newCustomerState('usr_1'), profile: SAMPLES[channel].reached };
      const handed: OutboundMessage[] = [];
      const adapter = {
        send: async (message: OutboundMessage) => {
          handed.push(message);
          return { ok: true as const, providerMessageId: 'p-1' };
        },
      };
      const only: ChannelAdapters = { [channel]: adapter };

      // Act
      const composed = composeMessage(intentOn(channel), channel, state, composer());
      if (!composed.ok) throw new Error(`${channel}: ${composed.reason}: ${composed.detail}`);
      const result = await channelRouter(only).send(composed.message);
      const refused = await channelRouter({}).send(composed.message);

      // Assess
      expect(composed.message, channel).toMatchObject({
        channel,
        content: { channel, templateId: `hello-${channel}`, locale: 'default' },
      });
      expect(result, channel).toEqual({ ok: true, providerMessageId: 'p-1' });
      expect(handed, channel).toEqual([composed.message]);
      expect(refused, channel).toEqual({
        ok: false,
        permanent: true,
        reason: `channel-not-configured: no ${channel} adapter in this environment`,
      });
    }
  });

  it('feedback: the sources of every channel’s provider are taken as feedback, others are not', () => {
    // Prepare
    const envelope = (source: string) => ({
      'detail-type': 'Anything',
      source,
      detail: { neither: 'a record of any provider' },
    });
    const sources = Channel.options.flatMap((c) => CHANNELS[c].feedback.eventSources);

    // Act
    const taken = sources.map((source) => parseFeedback(envelope(source), T0).outcomes);
    const other = parseFeedback(envelope('com.example.shop'), T0).outcomes;

    // Assess: a provider's source reaches the record parsers, which know no such record.
    expect(sources.length).toBeGreaterThan(0);
    for (const outcomes of taken)
      expect(outcomes).toEqual([{ kind: 'ignored', reason: 'unknown feedback record' }]);
    expect(other).toEqual([
      { kind: 'ignored', reason: 'EventBridge event from com.example.shop is not provider feedback' },
    ]);
  });
});
