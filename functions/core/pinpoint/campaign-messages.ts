import type { Channel } from '../journeys/schema-parts.ts';
import type { TemplateFile } from '../templates/schema.ts';
import type { MessageConfiguration, PushMessage, TemplateConfiguration } from './campaign-source.ts';
import { ObjectFindings } from './report.ts';
import type { PinpointTemplate } from './source.ts';
import { importTemplate } from './templates.ts';

/** What a campaign's messages need from the rest of the import: the templates, and a way to add one. */
export type MessageContext = {
  /** The Cairn template of a Pinpoint template name, with the channels it has content for. */
  templateOf: (name: string) => { id: string; channels: string[] } | undefined;
  /** The content of an imported Cairn template. */
  contentOf: (id: string) => TemplateFile | undefined;
  /** Writes a template file (inline content, or channels of several templates) and returns its id. */
  addTemplate: (wanted: string, file: TemplateFile) => string;
};

/** One treatment's content in Pinpoint: its templates, its inline messages, or a custom delivery. */
export type MessageSource = {
  TemplateConfiguration?: TemplateConfiguration | undefined;
  MessageConfiguration?: MessageConfiguration | undefined;
  CustomDeliveryConfiguration?: { DeliveryUri: string; EndpointTypes?: string[] | undefined } | undefined;
};

export type MessageOut = { channel: Channel | Channel[]; template: string };

const CHANNELS = [
  ['email', 'EmailTemplate', 'EmailMessage'],
  ['sms', 'SMSTemplate', 'SMSMessage'],
  ['push', 'PushTemplate', 'DefaultMessage'],
] as const;

/** One channel's part: an imported template, or inline content made a template part. */
type Part = { channel: Channel; template: string } | { channel: Channel; inline: TemplateFile };

/** Findings of the shared template import, put under the campaign's path with the campaign's field names. */
function copyFindings(
  from: ObjectFindings,
  where: string,
  rename: Record<string, string>,
  to: ObjectFindings,
) {
  const path = (p: string) => `${where}.${rename[p] ?? p}`;
  for (const f of from.changed) to.change(path(f.path), f.note);
  for (const f of from.unmapped) to.skip(path(f.path), f.note);
}

function pushMessageOf(config: MessageConfiguration): { message: PushMessage; key: string } | undefined {
  for (const key of ['DefaultMessage', 'APNSMessage', 'GCMMessage'] as const) {
    const message = config[key];
    if (message) return { message, key };
  }
  return undefined;
}

/** Inline content as a Pinpoint template, so that it is turned into Liquid by the same import as templates. */
function inlineTemplate(
  channel: Channel,
  config: MessageConfiguration,
  name: string,
): { template: PinpointTemplate; where: string; rename: Record<string, string> } | undefined {
  const common = { TemplateName: name, TemplateDescription: `Imported from the campaign ${name}.` };
  if (channel === 'email' && config.EmailMessage) {
    const m = config.EmailMessage;
    return {
      template: {
        ...common,
        TemplateType: 'EMAIL',
        ...(m.Title !== undefined ? { Subject: m.Title } : {}),
        ...(m.HtmlBody !== undefined ? { HtmlPart: m.HtmlBody } : {}),
        ...(m.Body !== undefined ? { TextPart: m.Body } : {}),
      },
      where: 'MessageConfiguration.EmailMessage',
      rename: { Subject: 'Title', HtmlPart: 'HtmlBody', TextPart: 'Body' },
    };
  }
  if (channel === 'sms' && config.SMSMessage?.Body !== undefined)
    return {
      template: { ...common, TemplateType: 'SMS', Body: config.SMSMessage.Body },
      where: 'MessageConfiguration.SMSMessage',
      rename: {},
    };
  const push = channel === 'push' ? pushMessageOf(config) : undefined;
  if (!push) return undefined;
  const { Title, Body, Url, ImageUrl, RawContent } = push.message;
  const content = { Title, Body, Url, ImageUrl, RawContent };
  const defined = Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined));
  return {
    template: { ...common, TemplateType: 'PUSH', Default: defined },
    where: `MessageConfiguration.${push.key}`,
    rename: { Default: push.key },
  };
}

/** Everything of a message source that Cairn does not send, said once each. */
function reportUnsent(source: MessageSource, where: string, findings: ObjectFindings): void {
  const templates = source.TemplateConfiguration ?? {};
  const config = source.MessageConfiguration ?? {};
  if (templates.VoiceTemplate)
    findings.skip(`${where}TemplateConfiguration.VoiceTemplate`, 'Cairn has no voice channel');
  if (templates.InAppTemplate || config.InAppMessage)
    findings.skip(`${where}MessageConfiguration.InAppMessage`, 'in-app messages are not a Cairn channel');
  for (const key of ['ADMMessage', 'BaiduMessage'] as const)
    if (config[key])
      findings.skip(`${where}MessageConfiguration.${key}`, 'Cairn sends push to APNs and FCM only');
  if (config.CustomMessage || source.CustomDeliveryConfiguration)
    findings.skip(
      `${where}CustomDeliveryConfiguration`,
      'a campaign sends email, SMS and push only: the endpoints Pinpoint delivered to through this Lambda function or URL get nothing ' +
        '(a journey with a trigger.schedule and a call step can do it: docs/journeys.md, call)',
    );
  const sender = [
    config.EmailMessage?.FromAddress,
    config.SMSMessage?.OriginationNumber,
    config.SMSMessage?.SenderId,
    config.SMSMessage?.MessageType,
  ];
  if (sender.some((s) => s !== undefined))
    findings.skip(
      `${where}MessageConfiguration`,
      'sender identities and message types (from address, origination number, sender id) are set per environment (docs/channels.md)',
    );
  if (config.EmailMessage?.Headers)
    findings.skip(`${where}MessageConfiguration.EmailMessage.Headers`, 'Cairn sets the email headers itself');
}

/** One channel's part, from its template (preferred: Pinpoint's template holds the content) or its inline message. */
function partOf(
  channel: Channel,
  source: MessageSource,
  name: string,
  where: string,
  context: MessageContext,
  findings: ObjectFindings,
): Part | undefined | 'failed' {
  const [, templateKey] = CHANNELS.find(([c]) => c === channel) ?? [];
  const ref = templateKey ? source.TemplateConfiguration?.[templateKey] : undefined;
  if (ref?.Name !== undefined) {
    const at = `${where}TemplateConfiguration.${templateKey}`;
    const template = context.templateOf(ref.Name);
    if (!template?.channels.includes(channel)) {
      findings.skip(`${at}.Name`, `template ${ref.Name} has no ${channel} content in the export`);
      return 'failed';
    }
    if (ref.Version !== undefined)
      findings.change(
        `${at}.Version`,
        'Cairn templates have no versions: the exported (active) version is used',
      );
    findings.map(at, `${channel}: template ${template.id}`);
    return { channel, template: template.id };
  }
  const inline = source.MessageConfiguration
    ? inlineTemplate(channel, source.MessageConfiguration, name)
    : undefined;
  if (!inline) return undefined;
  const sub = new ObjectFindings();
  const file = importTemplate(inline.template, sub);
  copyFindings(sub, `${where}${inline.where}`, inline.rename, findings);
  if (!file) return 'failed';
  findings.map(`${where}${inline.where}`, `${channel}: the inline message, written as a template`);
  return { channel, inline: file };
}

/**
 * A campaign's (or treatment's) message: the channels it has content for and one template with each channel's
 * part. Parts from several templates or inline content are written as a template of their own (`name`).
 * Undefined when there is no email, SMS or push content, or a part cannot be imported (said in the findings).
 */
export function messageOf(
  source: MessageSource,
  name: string,
  where: string,
  context: MessageContext,
  findings: ObjectFindings,
): MessageOut | undefined {
  const prefix = where === '' ? '' : `${where}.`;
  reportUnsent(source, prefix, findings);
  const parts: Part[] = [];
  for (const [channel] of CHANNELS) {
    const part = partOf(channel, source, name, prefix, context, findings);
    if (part === 'failed') return undefined;
    if (part) parts.push(part);
  }
  const [first] = parts;
  if (!first) {
    findings.skip(where || '(message)', 'no email, SMS or push message or template to send');
    return undefined;
  }
  const channels = parts.map((p) => p.channel);
  if (parts.length > 1)
    findings.change(
      `${prefix}MessageConfiguration`,
      `Pinpoint sent each endpoint the message of its channel, so a customer with an email address and a phone got both; Cairn sends one, on the first of ${channels.join(', ')} they can be reached on`,
    );
  const channel = channels.length === 1 ? first.channel : channels;
  const ids = new Set(parts.map((p) => ('template' in p ? p.template : '')));
  if (ids.size === 1 && 'template' in first) return { channel, template: first.template };
  const combined: TemplateFile = { description: `The messages of Pinpoint campaign ${name}.` };
  for (const part of parts) {
    const content = 'template' in part ? context.contentOf(part.template) : part.inline;
    const own = content?.[part.channel];
    if (own) Object.assign(combined, { [part.channel]: own });
  }
  return { channel, template: context.addTemplate(name, combined) };
}
