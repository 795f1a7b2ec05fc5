import { CHANNELS } from '../channels/index.ts';
import type { ComposeLinks } from '../channels/kind.ts';
import type { JourneyCatalog } from '../engine/catalog.ts';
import type { CustomerState, SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import { lifecycleView } from '../lifecycle/lifecycle.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { MessageOf, OutboundMessage } from '../ports/channel.ts';
import type { Profile } from '../profile/profile.ts';
import type { LoadedTemplate } from '../templates/load.ts';
import {
  DEFAULT_MAX_SMS_SEGMENTS,
  type RenderedMessageOf,
  type RenderFailureReason,
  renderTemplate,
} from '../templates/render.ts';
import { eventVariables, type TemplateVariables } from '../templates/variables.ts';
import {
  type UnsubscribeClaims,
  type UnsubscribeLinks,
  unsubscribeUrlBuilder,
} from '../unsubscribe/token.ts';
import type { RuntimeConfig } from './config.ts';

/** What turns a send intent into a message: the templates, and how to sign an unsubscribe link. */
export type MessageComposer = {
  templates: ReadonlyMap<string, LoadedTemplate>;
  catalog: JourneyCatalog;
  /** A signed link to the unsubscribe endpoint for these claims (core/unsubscribe/token.ts). */
  unsubscribeUrl: (claims: Omit<UnsubscribeClaims, 'expiresAt'>) => string;
  maxSmsSegments: number;
  /** The lifecycle model, for the derived profile fields templates may use (`profile.orders`, ...). */
  lifecycle?: LifecycleModel;
  now: () => number;
};

/** Unsubscribe links last 60 days: RFC 8058 one-click must still work when an old email is opened. */
export const UNSUBSCRIBE_LINK_TTL_MS = 60 * 86_400_000;

/** How messages are rendered with this configuration, signing unsubscribe links with `links`. */
export function messageComposer(
  config: RuntimeConfig,
  links: Omit<UnsubscribeLinks, 'ttlMs'> & { ttlMs?: number },
  maxSmsSegments = DEFAULT_MAX_SMS_SEGMENTS,
): MessageComposer {
  return {
    templates: config.templates,
    // The journeys as loaded; a function whose catalog refreshes gives its own (deliver-ports.ts, composerOf).
    catalog: config.catalog,
    unsubscribeUrl: unsubscribeUrlBuilder({ ttlMs: UNSUBSCRIBE_LINK_TTL_MS, ...links }),
    maxSmsSegments,
    ...(config.lifecycle ? { lifecycle: config.lifecycle } : {}),
    now: links.now,
  };
}

export type Composed =
  | { ok: true; message: OutboundMessage }
  | { ok: false; reason: RenderFailureReason | 'no-address'; detail: string };

/**
 * Renders the intent's template for the channel the policies chose, with the variables a template may use
 * (docs/templates.md): the profile view, the enrollment's trigger event, the journey and the message. A
 * failure is a reason, never a blank or half-rendered message.
 */
export function composeMessage(
  intent: SendIntent,
  channel: Channel,
  state: CustomerState,
  composer: MessageComposer,
): Composed {
  const { profile } = state;
  const trigger = intent.trigger ?? state.enrollments.find((e) => e.id === intent.enrollmentId)?.trigger;
  const journey = composer.catalog.version(intent.journeyVersion)?.journey;
  const variables: TemplateVariables = {
    // The same view conditions see, lifecycle fields included (docs/profile.md), at the time of sending.
    profile: lifecycleView(intent.userId, profile, composer.lifecycle, composer.now()),
    // Without a trigger (an intent queued before intents carried one, whose enrollment has ended since), a
    // template that needs the event fails with `template-missing-variable` rather than rendering blank.
    event: eventVariables(trigger ?? emptyTrigger(intent)),
    journey: {
      id: intent.journeyId,
      name: journey?.name ?? intent.journeyId,
      stepId: intent.stepId,
      ...(intent.variant === undefined ? {} : { variant: intent.variant }),
    },
    message: { id: intent.messageId },
    saved: intent.saved ?? {},
  };
  const topic = intent.category;
  // Signed once per channel: the template's `unsubscribeUrl` and the email's List-Unsubscribe header are one
  // link (on a virtual clock they were the same text signed twice), and signing was a fifth of the rendering.
  const signed = new Map<Channel, string>();
  const unsubscribeUrl = (on: Channel) => {
    let url = signed.get(on);
    if (url === undefined) {
      url = composer.unsubscribeUrl({ userId: intent.userId, channel: on, topic });
      signed.set(on, url);
    }
    return url;
  };
  const rendered = renderTemplate(composer.templates, {
    templateId: intent.template,
    channel,
    ...(profile.locale === undefined ? {} : { locale: profile.locale }),
    variables,
    unsubscribeUrl,
    maxSmsSegments: composer.maxSmsSegments,
  });
  if (!rendered.ok) return rendered;
  const message = messageOf(rendered.content.channel, rendered.content, intent, profile, {
    unsubscribeUrl: () => unsubscribeUrl(rendered.content.channel),
  });
  // The policies check addresses before choosing a channel, so this only guards the types.
  return message
    ? { ok: true, message }
    : { ok: false, reason: 'no-address', detail: `the profile has no ${channel} address` };
}

/** The outbound message of the content's channel, to whom its descriptor says; none when nobody. */
function messageOf<C extends Channel>(
  channel: C,
  content: RenderedMessageOf<C>,
  intent: SendIntent,
  profile: Profile,
  links: ComposeLinks,
): MessageOf<C> | undefined {
  const descriptor = CHANNELS[channel];
  const reach = descriptor.reach(profile);
  if (!reach.ok) return undefined;
  return { channel, intent, content, ...descriptor.envelope(reach.recipient, links) };
}

function emptyTrigger(intent: SendIntent) {
  return {
    id: '',
    source: '',
    'detail-type': '',
    time: '',
    detail: { userId: intent.userId, properties: {} },
  };
}
