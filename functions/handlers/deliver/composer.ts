import type { MessageComposer } from '../../core/runtime/compose.ts';
import { DEFAULT_MAX_SMS_SEGMENTS } from '../../core/templates/render.ts';
import { type UnsubscribeLinks, unsubscribeUrlBuilder } from '../../core/unsubscribe/token.ts';
import type { RuntimeConfig } from '../shared/compiled-config.ts';

// Apart from config.ts: only deliver renders, so only its bundle carries the template engine.

/** Unsubscribe links last 60 days: RFC 8058 one-click must still work when an old email is opened. */
export const UNSUBSCRIBE_LINK_TTL_MS = 60 * 86_400_000;

/** How deliver renders messages with this configuration, signing unsubscribe links with `links`. */
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
