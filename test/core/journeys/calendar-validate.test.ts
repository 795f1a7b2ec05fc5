import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadJourneyFile } from '../../../functions/core/journeys/load.ts';

// Bad forms of the date trigger are reported at their file, line and column.

const journeyWith = (trigger: string) =>
  `id: j\nname: J\nstatus: active\ntrigger:\n${trigger}\nsteps:\n  - { id: hello, type: send, channel: email, template: hi }\n`;

const problems = (text: string) => loadJourneyFile({ file: 'j.yaml', text }).problems.map(formatProblem);

describe('validation of the date trigger', () => {
  it('accepts a yearly birthday at 09:00 and a renewal 7 days before', () => {
    // Act
    const birthday = problems(
      journeyWith('  date: { attribute: traits.birthday, recurrence: yearly, at: "09:00" }'),
    );
    const renewal = problems(
      journeyWith('  date: { attribute: traits.renewalDate, recurrence: once, offset: -P7D, ifPast: run }'),
    );

    // Assess
    expect([birthday, renewal]).toEqual([[], []]);
  });

  it('names the field of a bad offset, time, attribute or recurrence with its line and column', () => {
    // Prepare
    const text = journeyWith(
      [
        '  date:',
        '    attribute: birthday',
        '    recurrence: weekly',
        '    offset: -PT7H',
        '    at: "9am"',
        '    ifPast: later',
      ].join('\n'),
    );

    // Act
    const found = problems(text);

    // Assess
    expect(found).toEqual([
      'j.yaml:6:16 trigger.date.attribute: expected a path into the profile\'s traits such as "traits.birthday"',
      'j.yaml:7:17 trigger.date.recurrence: expected one of yearly, monthly, once, got "weekly"',
      'j.yaml:8:13 trigger.date.offset: expected a calendar offset in years, months, weeks or days such as -P7D, P1M or -P1Y, got "-PT7H"',
      'j.yaml:9:9 trigger.date.at: expected a time of day as HH:MM, e.g. "09:30"',
      'j.yaml:10:13 trigger.date.ifPast: expected one of skip, run, got "later"',
    ]);
  });

  it('refuses a date trigger with an event trigger, and a misspelt key with its place', () => {
    // Act
    const both = problems(
      journeyWith(
        '  event: { detail-type: [X] }\n  date: { attribute: traits.birthday, recurrence: yearly }',
      ),
    );
    const misspelt = problems(journeyWith('  date: { attribute: traits.birthday, recurence: yearly }'));

    // Assess
    expect(both).toEqual([
      'j.yaml:5:3 trigger: expected exactly one of event, stage, date, segment or schedule',
    ]);
    expect(misspelt).toMatchInlineSnapshot(`
      [
        "j.yaml:5:9 trigger.date.recurrence: expected one of yearly, monthly, once, got nothing",
        "j.yaml:5:39 trigger.date.recurence: unknown key "recurence"; did you mean "recurrence"?",
      ]
    `);
  });
});
