import * as z from 'zod';
import type { TemplateFile } from '../templates/schema.ts';
import type { ObjectFindings } from './report.ts';
import type { PinpointTemplate, PushPlatformTemplate } from './source.ts';

/**
 * Pinpoint message variables (`{{User.UserAttributes.FirstName}}`, `{{Attributes.Plan}}`...) as Liquid over
 * Cairn's template variables (docs/templates.md). A variable with a default substitution (the template's
 * DefaultSubstitutions) renders the default when the customer has no value, as Pinpoint did; without one it
 * renders nothing, as Pinpoint did, which Liquid's `default: ""` keeps explicit. Anything else between braces
 * (Handlebars helpers such as {{#if}}, unknown roots) is refused, never guessed.
 */

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The Cairn variable of a Pinpoint one, or undefined when it has none. */
function cairnVariable(name: string): string | undefined {
  const [root, ...rest] = name.split('.');
  const path = rest.join('.');
  const key = /^[A-Za-z_][\w-]*$/.test(path);
  if (root === 'User' && rest[0] === 'UserAttributes' && rest.length === 2)
    return `profile.traits.${rest[1]}`;
  if (root === 'User' && rest[0] === 'UserId' && rest.length === 1) return 'profile.userId';
  if (root === 'Attributes' && key) return `profile.traits.${path}`;
  if (root === 'Metrics' && key) return `profile.traits.metrics.${path}`;
  if (root === 'Demographic' && path === 'Locale') return 'profile.locale';
  if (root === 'Demographic' && path === 'Timezone') return 'profile.timezone';
  if (root === 'Location' && path === 'City') return 'profile.traits.city';
  if (root === 'Location' && path === 'Country') return 'profile.traits.country';
  return undefined;
}

const Defaults = z.record(z.string(), z.string());

/** The parsed DefaultSubstitutions (a JSON object of strings), or a message saying why not. */
function defaultsOf(
  text: string | undefined,
): { ok: true; defaults: Record<string, string> } | { ok: false; message: string } {
  if (text === undefined || text.trim() === '') return { ok: true, defaults: {} };
  try {
    const parsed = Defaults.safeParse(JSON.parse(text));
    return parsed.success
      ? { ok: true, defaults: parsed.data }
      : { ok: false, message: 'expected a JSON object of variable names to text' };
  } catch {
    return { ok: false, message: 'expected JSON' };
  }
}

const quoted = (text: string) => JSON.stringify(text);

/** One text with its variables in Liquid; problems are added to `refused`. */
function toLiquid(text: string, defaults: Record<string, string>, where: string, refused: string[]): string {
  return text.replace(VARIABLE, (whole, inner: string) => {
    const variable = cairnVariable(inner);
    if (variable === undefined) {
      refused.push(
        `${where}: "${whole}" is no Pinpoint variable Cairn maps (User.UserAttributes.x, Attributes.x, Metrics.x, User.UserId, Demographic.Locale, Location.City...)`,
      );
      return whole;
    }
    // Pinpoint printed a missing value as nothing. Its templates are Handlebars.js, which prints a list as
    // JavaScript does (Array#toString: values joined with ","); Pinpoint documents no other rendering.
    // default comes first: the only filter that may read a missing value (templates/liquid.ts, lenientIf).
    const fallback = defaults[inner] ?? '';
    return `{{ ${variable} | default: ${quoted(fallback)} | join: "," }}`;
  });
}

function pushContent(
  t: Extract<PinpointTemplate, { TemplateType: 'PUSH' }>,
  findings: ObjectFindings,
): PushPlatformTemplate | undefined {
  const chosen = t.Default ?? t.APNS ?? t.GCM;
  for (const platform of ['ADM', 'Baidu'] as const)
    if (t[platform]) findings.skip(platform, 'Cairn sends push to APNs and FCM only');
  if (t.Default && (t.APNS || t.GCM))
    findings.change('APNS, GCM', 'Cairn sends the Default content to every platform');
  return chosen;
}

/** A Pinpoint template as a Cairn template file; undefined (with findings) when a part is refused. */
export function importTemplate(t: PinpointTemplate, findings: ObjectFindings): TemplateFile | undefined {
  const defaults = defaultsOf(t.DefaultSubstitutions);
  if (!defaults.ok) {
    findings.skip('DefaultSubstitutions', defaults.message);
    return undefined;
  }
  const refused: string[] = [];
  const liquid = (text: string | undefined, where: string) =>
    toLiquid(text ?? '', defaults.defaults, where, refused);
  const description = t.TemplateDescription ?? `Imported from Pinpoint template ${t.TemplateName}.`;
  let file: TemplateFile;
  if (t.TemplateType === 'EMAIL') {
    file = {
      description,
      email: {
        subject: liquid(t.Subject, 'Subject'),
        html: liquid(t.HtmlPart, 'HtmlPart'),
        text: liquid(t.TextPart ?? '', 'TextPart'),
      },
    };
    if (t.TextPart === undefined)
      findings.change('TextPart', 'no text part: the email is sent with an empty text part; write one');
    if (t.Headers) findings.skip('Headers', 'Cairn sets the email headers itself (List-Unsubscribe...)');
  } else if (t.TemplateType === 'SMS') {
    file = { description, sms: { body: liquid(t.Body, 'Body') } };
  } else {
    const content = pushContent(t, findings);
    if (!content) {
      findings.skip('Default', 'a push template needs Default, APNS or GCM content');
      return undefined;
    }
    file = {
      description,
      push: {
        title: liquid(content.Title, 'Title'),
        body: liquid(content.Body, 'Body'),
        ...(content.Url ? { url: liquid(content.Url, 'Url') } : {}),
        ...(content.ImageUrl ? { imageUrl: liquid(content.ImageUrl, 'ImageUrl') } : {}),
      },
    };
    if (content.RawContent) findings.skip('RawContent', 'raw platform payloads are not sent by Cairn');
  }
  if (t.RecommenderId)
    findings.skip('RecommenderId', 'Amazon Personalize recommendations have no Cairn equivalent');
  for (const problem of refused)
    findings.skip(problem.split(':')[0] ?? '', problem.slice(problem.indexOf(':') + 2));
  if (refused.length > 0) return undefined;
  findings.map('DefaultSubstitutions', "each default as the variable's Liquid default");
  if (/\{\{\s*(User\.UserAttributes|Attributes)\./.test(JSON.stringify(t)))
    findings.change(
      '(variables)',
      'an attribute with several values prints them joined with "," (as Handlebars.js prints a list; Pinpoint documents lists only with {{#each}}): change the join where you want another separator',
    );
  return file;
}
