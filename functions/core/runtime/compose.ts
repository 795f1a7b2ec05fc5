import type { JourneyCatalog } from '../engine/catalog.ts';
import type { CustomerState, SendIntent } from '../engine/state.ts';
import type { Channel } from '../journeys/schema.ts';
import { type LifecycleModel, lifecycleView } from '../lifecycle/lifecycle.ts';
import type { OutboundMessage } from '../ports/channel.ts';
import type { LoadedTemplate } from '../templates/load.ts';
import { DEFAULT_MAX_SMS_SEGMENTS, type RenderFailureReason, renderTemplate } from '../templates/render.ts';
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
    // Read on each use: a deployed function replaces config.catalog when it refreshes (journey-catalog.ts).
    get catalog() {
      return config.catalog;
    },
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
  };
  const topic = intent.category;
  const unsubscribeUrl = (on: Channel) =>
    composer.unsubscribeUrl({ userId: intent.userId, channel: on, topic });
  const rendered = renderTemplate(composer.templates, {
    templateId: intent.template,
    channel,
    ...(profile.locale === undefined ? {} : { locale: profile.locale }),
    variables,
    unsubscribeUrl,
    maxSmsSegments: composer.maxSmsSegments,
  });
  if (!rendered.ok) return rendered;
  const { content } = rendered;
  switch (content.channel) {
    case 'email':
      return profile.email === undefined
        ? noAddress('email')
        : {
            ok: true,
            message: {
              channel: 'email',
              intent,
              content,
              to: profile.email,
              unsubscribeUrl: unsubscribeUrl('email'),
            },
          };
    case 'sms':
      return profile.phone === undefined
        ? noAddress('sms')
        : { ok: true, message: { channel: 'sms', intent, content, to: profile.phone } };
    case 'push': {
      const devices = profile.devices.filter((d) => d.active);
      return devices.length === 0
        ? noAddress('push')
        : { ok: true, message: { channel: 'push', intent, content, devices } };
    }
    default:
      return unreachable(content);
  }
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

/** The policies check addresses before choosing a channel, so this only guards the types. */
function noAddress(channel: Channel): Composed {
  return { ok: false, reason: 'no-address', detail: `the profile has no ${channel} address` };
}

function unreachable(value: never): never {
  throw new Error(`unexpected content ${JSON.stringify(value)}`);
}
