import { describe, expect, it } from 'vitest';
import { mapPinpointEndpoint } from '../../../functions/core/import/profiles/pinpoint.ts';
import type { Channel } from '../../../functions/core/journeys/schema-parts.ts';
import { importPinpointExport } from '../../../functions/core/pinpoint/import.ts';
import { renderTemplate } from '../../../functions/core/templates/render.ts';
import { loadTemplateSet } from '../../../functions/core/templates/template-files.ts';

// Acceptance for issue 18: imported templates render the text Pinpoint's substitution rules give, for the
// profiles of the test. The rules, from the Amazon Pinpoint User Guide ("Adding personalized content to
// message templates", awsdocs/amazon-pinpoint-user-guide doc-source/message-templates-personalizing.md):
// - a variable is an attribute's name in double braces, with its exact capitalization:
//   {{User.UserAttributes.x}}, {{Attributes.x}}, {{Metrics.x}}, {{User.UserId}}, {{Location.City}}...;
// - Pinpoint replaces it with the recipient's current value of the attribute;
// - if the recipient has no value, the template's default for the variable (DefaultSubstitutions) is used;
// - with no default either, "Amazon Pinpoint omits all text for the variable".
// A multi-valued attribute: the guide documents lists only through {{#each}} ("Using message template
// helpers": templates are "based on the Handlebars.js language"); a plain variable of a list renders as
// Handlebars.js renders an array, its values joined with "," (JavaScript's Array#toString).

const WELCOME = {
  TemplateName: 'Welcome',
  TemplateType: 'EMAIL',
  Subject: 'Well done, {{User.UserAttributes.FirstName}}',
  TextPart:
    'Hi {{User.UserAttributes.FirstName}}, congratulations on your new {{User.UserAttributes.Activity}} record of {{User.UserAttributes.PersonalRecord}}!',
  HtmlPart:
    '<p>{{Attributes.Club}} in {{Location.City}}: {{Metrics.sessions}} sessions, likes {{Attributes.Interests}}.</p>',
  DefaultSubstitutions: JSON.stringify({
    'User.UserAttributes.Activity': 'running',
    'Location.City': 'your town',
  }),
};

const NUDGE = {
  TemplateName: 'Nudge',
  TemplateType: 'SMS',
  Body: 'Hi {{User.UserAttributes.FirstName}}, congratulations on your new {{User.UserAttributes.Activity}} record of {{User.UserAttributes.PersonalRecord}}! ({{User.UserId}})',
};

type Endpoint = {
  user: Record<string, string[]>;
  attributes?: Record<string, string[]>;
  city?: string;
  sessions?: number;
};

/** The recipients, as Pinpoint endpoints: the guide's own examples (Sofia; Jane, no activity; Mary, no activity). */
const RECIPIENTS: Record<string, Endpoint> = {
  sofia: {
    user: { FirstName: ['Sofia'], Activity: ['half marathon'], PersonalRecord: ['1:42:17'] },
    attributes: { Club: ['Harriers & Co'], Interests: ['trail', 'track'] },
    city: 'Leeds',
    sessions: 12,
  },
  jane: {
    user: { FirstName: ['Jane'], PersonalRecord: ['1:42:17'] },
    attributes: { Club: ['Striders'], Interests: ['road'] },
    sessions: 3,
  },
  mary: {
    user: { FirstName: ['Mary'], PersonalRecord: ['20:52'] },
    attributes: { Club: ['Pacers'], Interests: ['5K'] },
    sessions: 1,
  },
};

/** What Pinpoint sends each recipient, written out by hand from the rules above. */
const PINPOINT: Record<string, { subject: string; text: string; html: string; sms: string }> = {
  sofia: {
    subject: 'Well done, Sofia',
    text: 'Hi Sofia, congratulations on your new half marathon record of 1:42:17!',
    // Handlebars.js HTML-escapes a double-brace value in HTML: & becomes &amp;.
    html: '<p>Harriers &amp; Co in Leeds: 12 sessions, likes trail,track.</p>',
    sms: 'Hi Sofia, congratulations on your new half marathon record of 1:42:17! (sofia)',
  },
  jane: {
    subject: 'Well done, Jane',
    // The guide's example: the default "running" for a recipient without an activity.
    text: 'Hi Jane, congratulations on your new running record of 1:42:17!',
    html: '<p>Striders in your town: 3 sessions, likes road.</p>',
    // No default in this template: all text for the variable is omitted (the two spaces around it stay).
    sms: 'Hi Jane, congratulations on your new  record of 1:42:17! (jane)',
  },
  mary: {
    subject: 'Well done, Mary',
    text: 'Hi Mary, congratulations on your new running record of 20:52!',
    html: '<p>Pacers in your town: 1 sessions, likes 5K.</p>',
    sms: 'Hi Mary, congratulations on your new  record of 20:52! (mary)',
  },
};

/** The profile view Cairn renders with: the endpoint through the real `--format pinpoint` importer. */
function profileOf(userId: string, recipient: Endpoint): Record<string, unknown> {
  const row = mapPinpointEndpoint({
    ChannelType: 'EMAIL',
    Address: `${userId}@example.com`,
    ...(recipient.city ? { Location: { City: recipient.city } } : {}),
    ...(recipient.attributes ? { Attributes: recipient.attributes } : {}),
    ...(recipient.sessions === undefined ? {} : { Metrics: { sessions: recipient.sessions } }),
    User: { UserId: userId, UserAttributes: recipient.user },
  });
  if (!row.ok) throw new Error(`the endpoint of ${userId} does not import: ${row.problem.reason}`);
  return { userId, traits: row.profile.attributes, stage: null, locale: null };
}

function importedTemplates() {
  const result = importPinpointExport(
    [WELCOME, NUDGE].map((t) => ({
      file: `templates/${t.TemplateName}-${t.TemplateType}.json`,
      text: JSON.stringify(t),
    })),
  );
  if (!result.ok) throw new Error(result.problems.join('\n'));
  const files = result.files
    .filter((f) => f.path.startsWith('templates/'))
    .map((f) => ({ file: `journeys/${f.path}`, text: f.text }));
  const set = loadTemplateSet(files);
  expect(set.problems).toEqual([]);
  return set.templates;
}

function render(templateId: string, channel: Channel, profile: Record<string, unknown>) {
  return renderTemplate(importedTemplates(), {
    templateId,
    channel,
    variables: {
      profile,
      event: { id: 'e1', name: 'Record Set', source: 'app', time: '2026-11-01T09:00:00Z', properties: {} },
      journey: { id: 'records', name: 'Records', stepId: 'congratulate' },
      message: { id: 'm1' },
    },
    unsubscribeUrl: () => 'https://example.com/unsubscribe',
    maxSmsSegments: 3,
  });
}

describe('imported Pinpoint templates render what Pinpoint sent', () => {
  it.each(Object.keys(RECIPIENTS))('the email for %s', (userId) => {
    // Prepare
    const profile = profileOf(userId, RECIPIENTS[userId] ?? { user: {} });
    // Act
    const result = render('welcome', 'email', profile);
    // Assess
    expect(result.ok && result.content).toMatchObject({
      subject: PINPOINT[userId]?.subject,
      text: PINPOINT[userId]?.text,
      html: PINPOINT[userId]?.html,
    });
  });

  it.each(Object.keys(RECIPIENTS))('the SMS for %s', (userId) => {
    // Prepare
    const profile = profileOf(userId, RECIPIENTS[userId] ?? { user: {} });
    // Act
    const result = render('nudge', 'sms', profile);
    // Assess
    expect(result.ok && result.content).toMatchObject({ body: PINPOINT[userId]?.sms });
  });

  it('makes one file of the email and SMS templates of one name, with both parts', () => {
    // Prepare
    const sameName = { ...NUDGE, TemplateName: 'Welcome' };
    const result = importPinpointExport(
      [WELCOME, sameName].map((t) => ({
        file: `templates/${t.TemplateName}-${t.TemplateType}.json`,
        text: JSON.stringify(t),
      })),
    );
    if (!result.ok) throw new Error(result.problems.join('\n'));
    // Act
    const files = result.files.filter((f) => f.path.startsWith('templates/'));
    const { templates, problems } = loadTemplateSet(
      files.map((f) => ({ file: `journeys/${f.path}`, text: f.text })),
    );
    // Assess
    expect(files.map((f) => f.path)).toEqual(['templates/welcome.yaml']);
    expect(result.reports[0]?.changed.map((c) => c.path)).toContain('(variables)');
    expect(problems).toEqual([]);
    expect(Object.keys(templates.get('welcome')?.template ?? {})).toEqual(
      expect.arrayContaining(['email', 'sms']),
    );
  });
});
