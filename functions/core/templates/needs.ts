import { isRecord } from '../collections/is-record.ts';
import { setField } from '../collections/own-field.ts';
import type { Journey } from '../journeys/schema.ts';
import type { Channel } from '../journeys/schema-parts.ts';
import { lifecycleView } from '../lifecycle/lifecycle.ts';
import { emptyProfile } from '../profile/profile.ts';
import type { LoadedTemplate } from './load.ts';
import { DEFAULT_MAX_SMS_SEGMENTS, localeChain, renderTemplate } from './render.ts';
import type { TemplateVariables } from './variables.ts';

/** One value a send step's template needs and a customer or an event may lack, where the template uses it. */
export type TemplateNeed = {
  journeyId: string;
  stepId: string;
  templateId: string;
  /** The variable, e.g. `profile.traits.loyaltyTier`. */
  variable: string;
  /** `file:line:col part` of its first use, as a failed send reports it. */
  where: string;
};

/** How many values one template may be found to need before the search stops (it renders once per value). */
const MAX_NEEDS = 20;
const UNDEFINED = /^(.*): undefined variable: (.+)$/;

/**
 * Renders every template of every send step, on each of the step's channels and in each of the template's
 * locales, with only the variables every send has (the journey, the message, the profile's fixed fields, an
 * event without properties, no traits): each value the template then needs and has no default for is one a
 * customer or an event may lack, and a send to such a customer fails with `template-missing-variable`. The
 * runtime's own renderer does the rendering, so this finds what a send would find.
 */
export function templateNeeds(
  journeys: readonly Journey[],
  templates: ReadonlyMap<string, LoadedTemplate>,
): TemplateNeed[] {
  const needs = new Map<string, TemplateNeed>();
  for (const journey of journeys)
    for (const step of journey.steps) {
      if (step.type !== 'send') continue;
      const template = templates.get(step.template);
      if (!template) continue;
      const channels = Array.isArray(step.channel) ? step.channel : [step.channel];
      for (const channel of channels)
        for (const locale of [undefined, ...Object.keys(template.template.locales ?? {})])
          for (const found of needsOf(templates, step.template, channel, locale, journey, step.id)) {
            const key = `${journey.id}/${step.id}/${found.variable}`;
            if (!needs.has(key))
              needs.set(key, { journeyId: journey.id, stepId: step.id, templateId: step.template, ...found });
          }
    }
  return [...needs.values()];
}

function needsOf(
  templates: ReadonlyMap<string, LoadedTemplate>,
  templateId: string,
  channel: Channel,
  locale: string | undefined,
  journey: Journey,
  stepId: string,
): { variable: string; where: string }[] {
  const variables = leastVariables(journey, stepId);
  const found: { variable: string; where: string }[] = [];
  for (let attempt = 0; attempt < MAX_NEEDS; attempt++) {
    const rendered = renderTemplate(templates, {
      templateId,
      channel,
      ...(locale === undefined ? {} : { locale: localeChain(locale)[0] ?? locale }),
      variables,
      unsubscribeUrl: () => 'https://unsubscribe.invalid/',
      maxSmsSegments: DEFAULT_MAX_SMS_SEGMENTS,
    });
    if (rendered.ok || rendered.reason !== 'template-missing-variable') break;
    const match = UNDEFINED.exec(rendered.detail);
    const variable = match?.[2];
    if (!match || !variable || !provide(variables, variable)) break;
    found.push({ variable, where: match[1] ?? '' });
  }
  return found;
}

/**
 * What every send of this journey has: no traits; of the trigger event, only the properties its pattern or
 * the entry's dedupe key require (an event without them does not enroll); the journey and the message.
 */
function leastVariables(journey: Journey, stepId: string): TemplateVariables {
  const properties: Record<string, unknown> = {};
  for (const key of requiredProperties(journey)) setField(properties, key, 'x');
  return {
    profile: { ...lifecycleView('customer', emptyProfile(), undefined, 0), traits: {} },
    event: { id: 'event', name: 'Event', source: 'app', time: '1970-01-01T00:00:00Z', properties },
    journey: { id: journey.id, name: journey.name, stepId },
    message: { id: 'message' },
  };
}

/** Gives the variable a value so that rendering goes on to the next; false when its path cannot hold one. */
function provide(variables: TemplateVariables, variable: string): boolean {
  const path = variable.split('.');
  const last = path.pop();
  let at: unknown = variables;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return false;
    const next: unknown = Reflect.get(at, key);
    if (next === undefined || next === null) Reflect.set(at, key, {});
    at = Reflect.get(at, key);
  }
  if (last === undefined || typeof at !== 'object' || at === null) return false;
  return Reflect.set(at, last, 'x');
}

/** The trigger event's properties an enrollment is sure to have: those its pattern matches on, and the dedupe key. */
function requiredProperties(journey: Journey): string[] {
  const keys: string[] = [];
  const pattern: unknown = journey.trigger.event;
  const detail = isRecord(pattern) ? pattern.detail : undefined;
  const matched = isRecord(detail) ? detail.properties : undefined;
  if (isRecord(matched))
    for (const [key, rule] of Object.entries(matched))
      if (!JSON.stringify(rule).includes('"exists":false')) keys.push(key);
  const dedupe = /^detail\.properties\.([^.]+)$/.exec(journey.entry?.dedupeBy ?? '');
  if (dedupe?.[1]) keys.push(dedupe[1]);
  return keys;
}
