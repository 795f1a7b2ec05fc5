import type { Liquid } from 'liquidjs';
import { CHANNELS, type ChannelParts, type ContentOf } from '../channels/index.ts';
import type { PartRenderer, RenderFailureReason } from '../channels/kind.ts';
import { formatPath } from '../diagnostics/problem.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import { htmlLiquid, liquidLibrary, parsedLiquid, textLiquid } from './liquid.ts';
import { type LoadedTemplate, positionInFile } from './load.ts';
import type { TemplateFile, TemplateVariant } from './schema.ts';
import { type TemplateVariables, type UnsubscribeUrlFor, withoutBlanks } from './variables.ts';

export type { RenderFailureReason } from '../channels/kind.ts';

/**
 * Content rendered for each channel: the channel's content (its descriptor's `render`), named by channel.
 * Written as a mapped type indexed by its own keys so that TypeScript relates each channel to its own content
 * in generic code (a "correlated union"); `RenderedOf<Channel>` is the union over every channel.
 */
type RenderedMap<K extends Channel> = { [C in K]: { channel: C } & ContentOf<C> };
export type RenderedOf<C extends Channel> = RenderedMap<C>[C];

/** What renders for a message: the template and variant it came from, and the content. */
export type RenderedMessageOf<C extends Channel> = {
  templateId: string;
  /** The variant used: a locale key of the template, or `default`. */
  locale: string;
} & RenderedOf<C>;

/** Rendered content of any channel, told apart by `channel`. */
export type RenderedContent = RenderedMessageOf<Channel>;

export type RenderResult =
  | { ok: true; content: RenderedContent }
  | { ok: false; reason: RenderFailureReason; detail: string };

export type RenderRequest = {
  templateId: string;
  channel: Channel;
  /** The profile's locale, e.g. `fr-CA`; absent gives the default content. */
  locale?: string;
  variables: TemplateVariables;
  unsubscribeUrl: UnsubscribeUrlFor;
  /** The most SMS segments one message may take; longer bodies fail with `sms-too-long`. */
  maxSmsSegments: number;
};

export const DEFAULT_MAX_SMS_SEGMENTS = 3;

/** `fr-CA` gives `fr-CA`, `fr`; underscores (`fr_CA`) are read as hyphens. */
export function localeChain(locale: string | undefined): string[] {
  if (!locale) return [];
  const parts = locale.replace(/_/g, '-').split('-').filter(Boolean);
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('-'));
}

/**
 * The variant to render a channel from: the first of the locale chain whose variant has the channel, else the
 * default content. A variant replaces a channel whole, so one message never mixes two languages.
 */
export function chooseVariant(
  template: TemplateFile,
  channel: Channel,
  locale: string | undefined,
): { locale: string; variant: TemplateVariant } | undefined {
  // Without a locale, no chain is walked: an empty chain reaching the loop that walks full ones deoptimized
  // the renderer it is inlined into (an array of another kind to V8).
  if (locale && template.locales !== undefined) {
    const variants = Object.entries(template.locales);
    for (const wanted of localeChain(locale)) {
      const hit = variants.find(([key, v]) => key.toLowerCase() === wanted.toLowerCase() && v[channel]);
      if (hit) return { locale: hit[0], variant: hit[1] };
    }
  }
  return template[channel] ? { locale: 'default', variant: template } : undefined;
}

class RenderFailure extends Error {
  constructor(
    readonly reason: RenderFailureReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Renders one template for one channel. Pure apart from what is injected: the same request gives the same
 * content. Every way a message could go out wrong (a missing value, a blank part, a body too long) is a
 * failure with a reason instead.
 */
export function renderTemplate(
  templates: ReadonlyMap<string, LoadedTemplate>,
  request: RenderRequest,
): RenderResult {
  const { templateId, channel } = request;
  const loaded = templates.get(templateId);
  if (!loaded) return fail('template-not-found', `no template "${templateId}"`);
  const chosen = chooseVariant(loaded.template, channel, request.locale);
  if (!chosen) return fail('template-channel-missing', `template "${templateId}" has no ${channel} content`);
  const scope = {
    ...withObject(withoutBlanks(request.variables)),
    unsubscribeUrl: request.unsubscribeUrl(channel),
  };
  const partPath = (part: string): string[] => [
    ...(chosen.locale === 'default' ? [] : ['locales', chosen.locale]),
    channel,
    ...part.split('.'),
  ];
  const where = (part: string) => `${loaded.file} ${formatPath(partPath(part))}`;
  const render = (engine: Liquid, part: string, source: string): string => {
    let out: string;
    try {
      out = engine.renderSync(parsedLiquid(engine, source), scope);
    } catch (error) {
      // Point at the file, line and column of the failing expression, as `cairn validate` does.
      const [row, col] = error instanceof liquidLibrary().LiquidError ? error.token.getPosition() : [];
      const at = positionInFile(loaded, partPath(part), source, row ?? 1, col ?? 1);
      throw liquidFailure(error, `${loaded.file}:${at.line}:${at.column} ${formatPath(partPath(part))}`);
    }
    if (out.trim() === '') throw new RenderFailure('template-blank', `${where(part)}: rendered blank`);
    return out;
  };
  const url = (part: string, source: string | undefined): string | undefined => {
    if (source === undefined) return undefined;
    const out = render(textLiquid(), part, source).trim();
    if (!URL.canParse(out))
      throw new RenderFailure('template-invalid-url', `${where(part)}: not a URL: ${out}`);
    return out;
  };
  const renderer: PartRenderer = {
    maxSmsSegments: request.maxSmsSegments,
    text: (part, source) => render(textLiquid(), part, source),
    html: (part, source) => render(htmlLiquid(), part, source),
    url,
    fail: (reason, part, message) => {
      throw new RenderFailure(reason, `${where(part)}: ${message}`);
    },
  };
  try {
    const content = renderParts(channel, chosen.variant, renderer);
    return { ok: true, content: { templateId, locale: chosen.locale, ...content } };
  } catch (error) {
    if (error instanceof RenderFailure) return fail(error.reason, error.detail);
    throw error;
  }
}

function fail(reason: RenderFailureReason, detail: string): RenderResult {
  return { ok: false, reason, detail };
}

function liquidFailure(error: unknown, where: string): RenderFailure {
  const message = error instanceof Error ? error.message : String(error);
  // liquidjs ends its messages with ", line:1, col:4" relative to the part; `where` has the file position.
  const text = message.replace(/, line:\d+, col:\d+$/, '');
  if (error instanceof liquidLibrary().UndefinedVariableError)
    return new RenderFailure('template-missing-variable', `${where}: ${text}`);
  if (error instanceof Error && (error.name === 'ParseError' || error.name === 'TokenizationError'))
    return new RenderFailure('template-invalid', `${where}: ${text}`);
  return new RenderFailure('template-render-error', `${where}: ${text}`);
}

/** The channel's part of the variant, rendered by the channel's descriptor. */
function renderParts<C extends Channel>(
  channel: C,
  variant: ChannelParts,
  renderer: PartRenderer,
): RenderedOf<C> {
  const parts = variant[channel];
  // chooseVariant only returns variants that have the channel.
  if (parts === undefined) throw new Error('a chosen variant lacks its channel');
  return { channel, ...CHANNELS[channel].render(parts, renderer) };
}

function withObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
}
