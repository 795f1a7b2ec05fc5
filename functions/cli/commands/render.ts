import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { readJourneyFiles } from '../../adapters/files/journey-files.ts';
import { readTemplateFiles } from '../../adapters/files/template-files.ts';
import { CHANNELS } from '../../core/channels/index.ts';
import { formatEventProblem, parseCustomerEvent } from '../../core/events/index.ts';
import { loadJourneySet } from '../../core/journeys/load.ts';
import { Channel, type Journey } from '../../core/journeys/schema.ts';
import {
  DEFAULT_MAX_SMS_SEGMENTS,
  type RenderedContent,
  type RenderedOf,
  type RenderResult,
  renderTemplate,
} from '../../core/templates/render.ts';
import { loadTemplateSet } from '../../core/templates/template-files.ts';
import { eventVariables, type TemplateVariables } from '../../core/templates/variables.ts';
import { unsubscribeUrlBuilder } from '../../core/unsubscribe/token.ts';
import type { CliIo } from '../io.ts';

export const renderUsage = `Usage: cairn render TEMPLATE --profile p.json --event e.json [--channel ${Channel.options.join('|')}]
                    [--locale fr-CA] [--journeys journeys/] [--templates DIR] [--max-segments 3]

Prints what a send of the template would deliver, rendered exactly as at send time (strict: a missing
value fails with its reason, exit 1). Without --channel, every channel the template has.
  --profile FILE      the profile view as JSON (docs/profile.md): {"userId": ..., "traits": {...}, ...}
  --event FILE        the trigger event (a customer event, docs/events.md)
  --locale TAG        the locale to pick a variant for; default: the profile's "locale"
  --journeys DIR      where to find the journey and step that use the template; default journeys
  --templates DIR     default: templates/ inside --journeys
  --max-segments N    most SMS segments allowed; default ${DEFAULT_MAX_SMS_SEGMENTS}
The unsubscribe link is signed with a preview key: it shows the shape, it does not work in an environment.`;

const ProfileView = z.looseObject({ userId: z.string().min(1), locale: z.string().nullish() });

/** A fixed key for previews only: environments sign with their own secret (docs/channels.md). */
const PREVIEW_KEY = createHash('sha256').update('cairn render preview key').digest();
const PREVIEW_UNSUBSCRIBE_BASE = 'https://unsubscribe.example.com/';
const THIRTY_DAYS = 30 * 86_400_000;

async function readJson(path: string, io: CliIo): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(await io.readFile(path)) };
  } catch (error) {
    io.stderr(`cairn render: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false };
  }
}

/** The first journey step that sends the template, for the journey variables; a placeholder when none does. */
function usingStep(journeys: readonly Journey[], templateId: string) {
  for (const journey of journeys) {
    const step = journey.steps.find((s) => s.type === 'send' && s.template === templateId);
    if (step)
      return { journey: { id: journey.id, name: journey.name, stepId: step.id }, topic: journey.category };
  }
  return { journey: { id: 'preview', name: 'Preview', stepId: 'preview' }, topic: 'marketing' };
}

export async function renderCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      event: { type: 'string' },
      channel: { type: 'string' },
      locale: { type: 'string' },
      journeys: { type: 'string', default: 'journeys' },
      templates: { type: 'string' },
      'max-segments': { type: 'string', default: String(DEFAULT_MAX_SMS_SEGMENTS) },
    },
    strict: true,
  });
  const [templateId, ...extra] = positionals;
  const channel = values.channel === undefined ? undefined : Channel.safeParse(values.channel);
  const maxSmsSegments = Number(values['max-segments']);
  if (templateId === undefined || extra.length > 0 || !values.profile || !values.event) {
    io.stderr(`cairn render: expected one TEMPLATE, --profile and --event\n\n${renderUsage}`);
    return 2;
  }
  if (channel && !channel.success) {
    io.stderr(`cairn render: --channel must be ${channelChoices()}, not "${values.channel}"`);
    return 2;
  }
  if (!Number.isInteger(maxSmsSegments) || maxSmsSegments < 1) {
    io.stderr('cairn render: --max-segments must be a positive whole number');
    return 2;
  }

  const templatesDir = values.templates ?? join(values.journeys, 'templates');
  const set = loadTemplateSet(await readTemplateFiles(templatesDir));
  const template = set.templates.get(templateId);
  if (!template) {
    const broken = set.problems.filter((p) => p.file.includes(templateId));
    for (const problem of broken)
      io.stderr(`${problem.file}:${problem.line}:${problem.column} ${problem.message}`);
    io.stderr(`cairn render: no template "${templateId}" in ${templatesDir}`);
    return 2;
  }

  const [profileJson, eventJson] = [await readJson(values.profile, io), await readJson(values.event, io)];
  if (!profileJson.ok || !eventJson.ok) return 2;
  const profile = ProfileView.safeParse(profileJson.value);
  if (!profile.success) {
    io.stderr(`cairn render: ${values.profile} must be a profile view with a "userId" (docs/profile.md)`);
    return 2;
  }
  const event = parseCustomerEvent(eventJson.value);
  if (!event.ok) {
    for (const problem of event.problems)
      io.stderr(`cairn render: ${values.event}: ${formatEventProblem(problem)}`);
    return 2;
  }

  const { journeys } = loadJourneySet((await readJourneyFiles([values.journeys])).files);
  const { journey, topic } = usingStep(
    journeys.map((j) => j.journey),
    templateId,
  );
  const variables: TemplateVariables = {
    profile: profile.data,
    event: eventVariables(event.event),
    journey,
    message: { id: 'msg_preview' },
  };
  const unsubscribeUrl = unsubscribeUrlBuilder({
    baseUrl: PREVIEW_UNSUBSCRIBE_BASE,
    keys: { current: PREVIEW_KEY },
    ttlMs: THIRTY_DAYS,
    now: Date.now,
  });
  const locale = values.locale ?? profile.data.locale ?? undefined;
  const channels = channel?.success ? [channel.data] : Channel.options.filter((c) => template.template[c]);

  io.stdout(
    `template ${templateId} (${template.file}), journey ${journey.id}, step ${journey.stepId}, locale ${locale ?? 'none'}`,
  );
  let failed = false;
  for (const c of channels) {
    const result: RenderResult = renderTemplate(set.templates, {
      templateId,
      channel: c,
      ...(locale === undefined ? {} : { locale }),
      variables,
      unsubscribeUrl: (on) => unsubscribeUrl({ userId: profile.data.userId, channel: on, topic }),
      maxSmsSegments,
    });
    if (result.ok) {
      io.stdout(formatContent(result.content, maxSmsSegments).join('\n'));
    } else {
      failed = true;
      io.stdout(`\n== ${c} ==`);
      io.stderr(`cairn render: ${c}: ${result.reason}: ${result.detail}`);
    }
  }
  return failed ? 1 : 0;
}

function formatContent(content: RenderedContent, maxSmsSegments: number): string[] {
  return [
    `\n== ${content.channel} (variant ${content.locale}) ==`,
    ...previewOf(content.channel, content, maxSmsSegments),
  ];
}

/** The content as its channel's descriptor prints it. */
function previewOf<C extends Channel>(channel: C, content: RenderedOf<C>, maxSmsSegments: number): string[] {
  return CHANNELS[channel].preview(content, { maxSmsSegments });
}

/** `email, sms or push`. */
function channelChoices(): string {
  const names = [...Channel.options];
  const last = names.pop();
  return `${names.join(', ')} or ${last}`;
}
