import { type Liquid, LiquidError, UndefinedVariableError } from 'liquidjs';
import { formatPath } from '../diagnostics/problem.ts';
import type { Channel } from '../journeys/schema.ts';
import { htmlLiquid, textLiquid } from './liquid.ts';
import { type LoadedTemplate, positionInFile } from './load.ts';
import type { EmailParts, PushParts, SmsParts, TemplateFile, TemplateVariant } from './schema.ts';
import { type SmsEncoding, smsSize } from './sms.ts';
import { type TemplateVariables, type UnsubscribeUrlFor, withoutBlanks } from './variables.ts';

export type RenderedEmail = { channel: 'email'; subject: string; html: string; text: string };
export type RenderedSms = {
  channel: 'sms';
  body: string;
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
};
export type RenderedPush = {
  channel: 'push';
  title: string;
  body: string;
  url?: string;
  imageUrl?: string;
  data?: Record<string, string>;
};
export type RenderedContent = (RenderedEmail | RenderedSms | RenderedPush) & {
  templateId: string;
  /** The variant used: a locale key of the template, or `default`. */
  locale: string;
};

export type RenderFailureReason =
  | 'template-not-found'
  | 'template-channel-missing'
  | 'template-invalid'
  | 'template-missing-variable'
  | 'template-render-error'
  | 'template-blank'
  | 'template-invalid-url'
  | 'sms-too-long';

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
  const variants = Object.entries(template.locales ?? {});
  for (const wanted of localeChain(locale)) {
    const hit = variants.find(([key, v]) => key.toLowerCase() === wanted.toLowerCase() && v[channel]);
    if (hit) return { locale: hit[0], variant: hit[1] };
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
      out = engine.renderSync(engine.parse(source), scope);
    } catch (error) {
      // Point at the file, line and column of the failing expression, as `cairn validate` does.
      const [row, col] = error instanceof LiquidError ? error.token.getPosition() : [];
      const at = positionInFile(loaded, partPath(part), source, row ?? 1, col ?? 1);
      throw liquidFailure(error, `${loaded.file}:${at.line}:${at.column} ${formatPath(partPath(part))}`);
    }
    if (out.trim() === '') throw new RenderFailure('template-blank', `${where(part)}: rendered blank`);
    return out;
  };
  const url = (part: string, source: string | undefined): string | undefined => {
    if (source === undefined) return undefined;
    const out = render(textLiquid, part, source).trim();
    if (!URL.canParse(out))
      throw new RenderFailure('template-invalid-url', `${where(part)}: not a URL: ${out}`);
    return out;
  };
  try {
    const base = { templateId, locale: chosen.locale };
    switch (channel) {
      case 'email': {
        const parts = required<EmailParts>(chosen.variant.email);
        return {
          ok: true,
          content: {
            ...base,
            channel,
            subject: render(textLiquid, 'subject', parts.subject).trim(),
            html: render(htmlLiquid, 'html', parts.html),
            text: render(textLiquid, 'text', parts.text),
          },
        };
      }
      case 'sms': {
        const parts = required<SmsParts>(chosen.variant.sms);
        const body = render(textLiquid, 'body', parts.body).trim();
        const size = smsSize(body);
        if (size.segments > request.maxSmsSegments)
          return fail(
            'sms-too-long',
            `${where('body')}: ${size.segments} ${size.encoding} segments (${size.units} units), at most ${request.maxSmsSegments} allowed`,
          );
        return { ok: true, content: { ...base, channel, body, ...size } };
      }
      case 'push': {
        const parts = required<PushParts>(chosen.variant.push);
        // Rendered in the order of the file, so a failure names the first broken part.
        const content: RenderedPush = {
          channel,
          title: render(textLiquid, 'title', parts.title).trim(),
          body: render(textLiquid, 'body', parts.body).trim(),
        };
        const link = url('url', parts.url);
        const imageUrl = url('imageUrl', parts.imageUrl);
        if (link !== undefined) content.url = link;
        if (imageUrl !== undefined) content.imageUrl = imageUrl;
        if (parts.data)
          content.data = Object.fromEntries(
            Object.entries(parts.data).map(([k, v]) => [k, render(textLiquid, `data.${k}`, v).trim()]),
          );
        return { ok: true, content: { ...base, ...content } };
      }
      default:
        return unreachable(channel);
    }
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
  if (error instanceof UndefinedVariableError)
    return new RenderFailure('template-missing-variable', `${where}: ${text}`);
  if (error instanceof Error && (error.name === 'ParseError' || error.name === 'TokenizationError'))
    return new RenderFailure('template-invalid', `${where}: ${text}`);
  return new RenderFailure('template-render-error', `${where}: ${text}`);
}

/** chooseVariant only returns variants that have the channel. */
function required<T>(parts: T | undefined): T {
  if (parts === undefined) throw new Error('a chosen variant lacks its channel');
  return parts;
}

function withObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
}

function unreachable(value: never): never {
  throw new Error(`unexpected channel ${String(value)}`);
}
