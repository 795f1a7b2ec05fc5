import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readJourneyFiles } from '../../../functions/adapters/files/journey-files.ts';
import { readTemplateFiles } from '../../../functions/adapters/files/template-files.ts';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import type { DateTimer } from '../../../functions/core/engine/state.ts';
import { type CustomerEvent, parseNdjsonEvents } from '../../../functions/core/events/index.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';
import { lifecycleView } from '../../../functions/core/lifecycle/lifecycle.ts';
import { applyEventToProfile, emptyProfile } from '../../../functions/core/profile/profile.ts';
import {
  checkJourneyTemplates,
  checkReference,
  checkTemplates,
} from '../../../functions/core/templates/check.ts';
import { renderTemplate } from '../../../functions/core/templates/render.ts';
import { loadTemplateSet } from '../../../functions/core/templates/template-files.ts';
import { eventVariables } from '../../../functions/core/templates/variables.ts';
import { dateEvent } from '../../../functions/core/triggers/date.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

/** The dates the sample date journeys read, and the timer that fires for one of them. */
const SAMPLE_DATES = { birthday: '1990-11-20', renewalDate: '2026-11-27' };
const dateTimer = (journeyId: string): DateTimer => ({
  id: `date:${journeyId}:usr_1001:2026-11-20:0`,
  userId: 'usr_1001',
  journeyId,
  dueAt: 0,
  occurrence: '2026-11-20',
  kind: 'date',
});

describe('checkReference', () => {
  it('accepts the variables a send provides', () => {
    for (const ref of [
      ['profile', 'traits', 'anything', 'nested'],
      ['profile', 'daysSinceLastOrder'],
      ['profile', 'rfm', 'score'],
      ['profile', 'reachable', 'sms'],
      ['event', 'properties', 'products', 0, 'name'],
      ['journey', 'stepId'],
      ['message', 'id'],
      ['unsubscribeUrl'],
    ]) {
      expect(checkReference(ref)).toBeUndefined();
    }
  });

  it('names an unknown root, field or nested field, with a hint', () => {
    expect(checkReference(['user', 'name'])).toBe(
      'unknown variable "user"; templates can use profile, event, journey, message, saved, unsubscribeUrl',
    );
    expect(checkReference(['profil'])).toMatch(/did you mean "profile"\?$/);
    expect(checkReference(['profile', 'rfm', 'total'])).toBe(
      'unknown field "profile.rfm.total"; profile.rfm has f, m, r, score',
    );
    expect(checkReference(['message', 'messageId'])).toBe(
      'unknown field "message.messageId"; message has id',
    );
  });

  it('does not guess past a computed segment', () => {
    expect(checkReference(['profile', 'traits', ['event', 'k'], 'x'])).toBeUndefined();
  });
});

describe('checkTemplates', () => {
  it('finds no problem in the sample templates', async () => {
    const set = loadTemplateSet(await readTemplateFiles('journeys/templates'));

    expect(set.problems).toEqual([]);
    expect(checkTemplates(set.templates.values())).toEqual([]);
  });

  it('reports every broken fixture at the file, line and column of the reference', async () => {
    // Prepare
    const set = loadTemplateSet(await readTemplateFiles('test/fixtures/templates/journeys/templates'));

    // Act
    const problems = [...set.problems, ...checkTemplates(set.templates.values())].map(formatProblem);

    // Assess
    const dir = 'test/fixtures/templates/journeys/templates';
    expect(problems).toEqual([
      `${dir}/missing-part.yaml:2:3 email: missing required key "text"`,
      `${dir}/missing-part.yaml:5:10 push.title: must not be empty`,
      `${dir}/missing-part.yaml:7:3 push.link: unknown key "link"; expected one of title, body, url, imageUrl, data`,
      `${dir}/unclosed-tag.yaml:5:5 email.html: template error: tag {% if profile.stage == "vip" %} not closed`,
      `${dir}/unknown-field.yaml:3:16 sms.body: unknown field "profile.trait"; did you mean "traits"?`,
      `${dir}/unknown-field.yaml:3:57 sms.body: unknown field "event.detail"; the event's properties are "event.properties"`,
      `${dir}/unknown-field.yaml:9:24 locales.fr.sms.body: unknown field "journey.step"; did you mean "stepId"?`,
      `${dir}/unknown-field.yaml:9:44 locales.fr.sms.body: unknown field "profile.daysSinceLastOrdr"; did you mean "daysSinceLastOrder"?`,
      `${dir}/unknown-filter.yaml:2:11 push.title: template error: undefined filter: shout`,
      `${dir}/unknown-variable.yaml:6:24 email.html: unknown variable "customer"; templates can use profile, event, journey, message, saved, unsubscribeUrl`,
      `${dir}/unknown-variable.yaml:7:26 email.text: unknown variable "customr"; templates can use profile, event, journey, message, saved, unsubscribeUrl`,
      `${dir}/unknown-variable.yaml:10:13 push.body: unknown variable "mesage"; templates can use profile, event, journey, message, saved, unsubscribeUrl; did you mean "message"?`,
    ]);
  });
});

describe('checkJourneyTemplates', () => {
  const { templates } = loadTemplateSet([
    {
      file: 'tpl/welcome.yaml',
      text: 'email: { subject: s, html: h, text: t }\nlocales: { de: { sms: { body: b } } }\n',
    },
  ]);
  const text = `id: j
name: J
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: a, type: send, channel: email, template: welcome, next: b }
  - { id: b, type: send, channel: [email, sms], template: welcome, next: c }
  - { id: c, type: send, channel: push, template: welcom }
`;

  it('names a missing template and a channel only a locale variant has', () => {
    const problems = checkJourneyTemplates({ file: 'j.yaml', text }, journeyFromYaml(text), templates, 'tpl');

    expect(problems.map(formatProblem)).toEqual([
      'j.yaml:6:59 steps[1].template: template "welcome" has no sms content (tpl/welcome.yaml)',
      'j.yaml:7:51 steps[2].template: no template "welcom" in tpl; did you mean "welcome"?',
    ]);
  });

  it("checks a call step's body: its variables, and the saved fields it reads", () => {
    // Prepare
    const journey = `id: j
name: J
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: a, type: call, http: { url: "https://crm.example.com/x", body: "{{ message.id }} {{ saved.tier }} {{ profile.trait.x }}" } }
`;

    // Act
    const problems = checkJourneyTemplates(
      { file: 'j.yaml', text: journey },
      journeyFromYaml(journey),
      new Map(),
      'tpl',
    );

    // Assess
    expect(problems.map(formatProblem)).toEqual([
      'j.yaml:5:74 steps[0].http.body: unknown variable "message" in the body; a call can use profile, event, journey, saved',
      'j.yaml:5:74 steps[0].http.body: the body reads saved.tier, which no call step of this journey saves (saveAs)',
      'j.yaml:5:74 steps[0].http.body: unknown field "profile.trait"; did you mean "traits"?',
    ]);
  });

  it('names a saved field a template reads that no call step of the journey saves', () => {
    // Prepare: a call saving `tier`, and a template reading `saved.tier` and `saved.owner`.
    const { templates: withSaved } = loadTemplateSet([
      {
        file: 'tpl/lead.yaml',
        text: 'email:\n  subject: "{{ saved.tier }}"\n  html: h\n  text: "Ask {{ saved.owner }}"\n',
      },
    ]);
    const journey = `id: j
name: J
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: a, type: call, http: { url: "https://crm.example.com/x" }, saveAs: { tier: lead.tier }, next: b }
  - { id: b, type: send, channel: email, template: lead }
`;

    // Act
    const problems = checkJourneyTemplates(
      { file: 'j.yaml', text: journey },
      journeyFromYaml(journey),
      withSaved,
      'tpl',
    );

    // Assess
    expect(problems.map(formatProblem)).toEqual([
      'j.yaml:6:52 steps[1].template: template "lead" reads saved.owner (tpl/lead.yaml:4:17), which no call step of this journey saves (saveAs)',
    ]);
  });
});

/** usr_1001's profile from the sample events, as the engine would fold it, and their events by name. */
async function sampleCustomer(userId: string) {
  const lines = parseNdjsonEvents(await readFile('journeys/events/sample.ndjson', 'utf8'));
  const events = lines.flatMap((l) => ('event' in l && l.event.detail.userId === userId ? [l.event] : []));
  let profile = emptyProfile();
  for (const event of events) profile = applyEventToProfile(profile, event, Date.parse(event.time));
  const last = events.at(-1);
  return { profile, events, now: last ? Date.parse(last.time) : 0 };
}

describe('the sample templates', () => {
  it('render every channel of every send step in the sample journeys, in every variant locale', async () => {
    // Prepare
    const { journeys } = loadJourneySet((await readJourneyFiles(['journeys'])).files);
    const { templates } = loadTemplateSet(await readTemplateFiles('journeys/templates'));
    const { profile, events, now } = await sampleCustomer('usr_1001');
    const stageChange: CustomerEvent = {
      version: '0',
      id: 'evt_stage',
      source: 'cairn.lifecycle',
      'detail-type': 'Lifecycle Stage Changed',
      time: '2026-11-20T00:00:00Z',
      resources: [],
      detail: { userId: 'usr_1001', properties: { from: 'active', to: 'vip', reason: 'rfm' } },
    };
    const outcomes: string[] = [];

    // Act
    for (const { journey } of journeys) {
      const wanted = journey.trigger.event?.['detail-type'];
      const name = Array.isArray(wanted) ? wanted[0] : undefined;
      const date = journey.trigger.date;
      const dated = date && dateEvent(dateTimer(journey.id), date, { ...profile, traits: SAMPLE_DATES }, now);
      const trigger = dated ?? events.find((e) => e['detail-type'] === name) ?? stageChange;
      for (const step of journey.steps) {
        if (step.type !== 'send') continue;
        for (const channel of Array.isArray(step.channel) ? step.channel : [step.channel]) {
          for (const locale of ['en-GB', 'de-DE', 'ja-JP', 'pt-BR']) {
            const result = renderTemplate(templates, {
              templateId: step.template,
              channel,
              locale,
              variables: {
                // Win-back enrolls at-risk customers, who by the stage rules have ordered before; the sample
                // profile is folded without the lifecycle's purchase summary, so their order history is given.
                profile: { ...lifecycleView('usr_1001', profile, undefined, now), daysSinceLastOrder: 75 },
                event: eventVariables(trigger),
                journey: { id: journey.id, name: journey.name, stepId: step.id },
                message: { id: `msg_${step.id}` },
                // What the wholesale-leads journey's CRM call saves (saveAs) before its key-account reply.
                saved: { tier: 'key-account', owner: 'Priya' },
              },
              unsubscribeUrl: (c) => `https://unsubscribe.example.com/?c=${c}`,
              maxSmsSegments: 3,
            });
            outcomes.push(`${step.template} ${channel} ${locale}: ${result.ok ? 'ok' : result.detail}`);
          }
        }
      }
    }

    // Assess
    expect(outcomes.filter((o) => !o.endsWith(': ok'))).toEqual([]);
    // Four locales of 16 channels of the lifecycle journeys' send steps, 2 of the date journeys', 3 of the
    // newsletter follow-up's, 1 of the frequent buyers' thanks, 2 of the wholesale leads' and 1 of the weekly
    // newsletter's.
    expect(outcomes).toHaveLength(4 * (16 + 2 + 3 + 1 + 2 + 1));
  });
});
