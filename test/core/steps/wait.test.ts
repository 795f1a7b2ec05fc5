import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';
import { describeStep, Step } from '../../../functions/core/steps/index.ts';

/**
 * A wait step is one of four forms, each with exactly its fields: a duration, an until, or an event or an
 * engagement with its timeout (and onTimeout). A combination of fields that is no form is a schema error at the step, in words.
 */

const ORDER = { pattern: { 'detail-type': ['Order Completed'] } };

/** A journey whose first step is `wait` (written as YAML flow-mapping fields), followed by a step `done`. */
function journeyWithWait(fields: string): string {
  return [
    'id: j',
    'name: J',
    'trigger: { event: { detail-type: [X] } }',
    'steps:',
    '  - id: w',
    '    type: wait',
    ...fields.split('\n').map((line) => `    ${line}`),
    '  - { id: done, type: exit }',
    '',
  ].join('\n');
}

/** What `cairn validate` says about the journey, in position order. */
function problemsOf(fields: string): string[] {
  return loadJourneySet([{ file: 'j.yaml', text: journeyWithWait(fields) }]).problems.map(formatProblem);
}

describe('the forms of a wait step', () => {
  it.each([
    [{ id: 'w', type: 'wait', duration: 'P1D', next: 'done' }, 'wait P1D -> done'],
    [
      { id: 'w', type: 'wait', until: { time: '09:00', days: ['mon', 'tue'] } },
      'wait until 09:00 local time on mon,tue -> (end)',
    ],
    [
      { id: 'w', type: 'wait', event: ORDER, timeout: 'PT30M', next: 'done', onTimeout: 'w' },
      'wait for {"detail-type":["Order Completed"]} -> done; after PT30M -> w',
    ],
    [
      {
        id: 'w',
        type: 'wait',
        engagement: { step: 'welcome-1', is: 'opened' },
        timeout: 'P2D',
        next: 'done',
        onTimeout: 'w',
      },
      'wait for welcome-1 opened -> done; after P2D -> w',
    ],
  ])('accepts the form %j with exactly its fields', (step, line) => {
    // Act
    const parsed = Step.parse(step);

    // Assess
    expect(parsed).toEqual(step);
    expect(describeStep(parsed)).toBe(line);
  });

  it.each([
    ['next: done', 'a wait step needs exactly one of duration, until, event or engagement, found none'],
    [
      'duration: P1D\nuntil: { time: "09:00" }\nnext: done',
      'a wait step needs exactly one of duration, until, event or engagement, found duration and until',
    ],
    [
      'duration: P1D\nevent: { pattern: { detail-type: [X] } }\ntimeout: P1D\nnext: done',
      'a wait step needs exactly one of duration, until, event or engagement, found duration and event',
    ],
    [
      'event: { pattern: { detail-type: [X] } }\nnext: done',
      'a wait for an event needs a timeout, e.g. "timeout: P1D" (and onTimeout: the step to take then)',
    ],

    [
      'duration: P1D\ntimeout: P2D\nnext: done',
      'timeout only applies to a wait for an event or engagement, not to a wait with duration',
    ],
    [
      'until: { time: "09:00" }\ntimeout: P1D\nonTimeout: done',
      'timeout and onTimeout only apply to a wait for an event or engagement, not to a wait with until',
    ],
  ])('refuses a wait with %j at the step, in words', (fields, message) => {
    // Prepare
    const step = parse(`id: w\ntype: wait\n${fields}`);

    // Act
    const parsed = Step.safeParse(step);
    const problems = problemsOf(fields);

    // Assess
    expect(parsed.success).toBe(false);
    expect(problems).toEqual([`j.yaml:5:5 steps[0]: ${message}`]);
  });
});

describe('validating a journey with a wait of no form', () => {
  it('reports the combination at the step, with the problems that hold whatever form was meant', () => {
    // Act
    const problems = problemsOf('duration: P1D\nuntil: { time: "25:00" }\nnxet: done\nnext: done');

    // Assess
    expect(problems).toEqual([
      'j.yaml:5:5 steps[0]: a wait step needs exactly one of duration, until, event or engagement, found duration and until',
      'j.yaml:8:20 steps[0].until.time: expected a time of day as HH:MM, e.g. "09:30"',
      'j.yaml:9:5 steps[0].nxet: unknown key "nxet"; did you mean "next"?',
    ]);
  });

  it('suggests the form key a misspelt one was meant to be', () => {
    // Act
    const problems = problemsOf(
      'evnt: { pattern: { detail-type: [Order Completed] } }\ntimeout: P1D\nnext: done',
    );

    // Assess
    expect(problems).toEqual([
      'j.yaml:5:5 steps[0]: a wait step needs exactly one of duration, until, event or engagement, found none',
      'j.yaml:7:5 steps[0].evnt: unknown key "evnt"; did you mean "event"?',
    ]);
  });

  it('refuses a wait for engagement without a timeout, and of a step that sends nothing', () => {
    // Act
    const problems = problemsOf('engagement: { step: done, is: opened }\nnext: done');

    // Assess
    expect(problems).toEqual([
      'j.yaml:5:5 steps[0]: a wait for engagement needs a timeout, e.g. "timeout: P1D" (and onTimeout: the step to take then)',
      'j.yaml:7:25 steps[0].engagement.step: engagement of step "done", which is an exit step, not a send: only a send step\'s messages have engagement',
    ]);
  });

  it('refuses a wait for the absence of engagement (not-opened), which would end at once', () => {
    // Act
    const problems = problemsOf('engagement: { step: done, is: not-opened }\ntimeout: P1D\nnext: done');

    // Assess
    expect(problems).toContain(
      'j.yaml:7:35 steps[0].engagement.is: expected one of delivered, opened, clicked, bounced, got "not-opened"',
    );
  });

  it("reports only the wrong value of a wait that has exactly one form's fields", () => {
    // Act
    const problems = problemsOf(
      'event: { pattern: { detail-type: [Order Completed] } }\ntimeout: P1M\nnext: done',
    );

    // Assess
    expect(problems).toEqual([
      'j.yaml:8:14 steps[0].timeout: expected an ISO-8601 duration such as PT30M, P1D or P2W, got "P1M" (years and months are not allowed: use days, e.g. P30D)',
    ]);
  });

  it('suggests the keys of the form meant for a misspelt key', () => {
    // Act
    const problems = problemsOf(
      'event: { pattern: { detail-type: [Order Completed] } }\ntimeout: P1D\nonTimout: done\nnext: done',
    );

    // Assess
    expect(problems).toEqual([
      'j.yaml:9:5 steps[0].onTimout: unknown key "onTimout"; did you mean "onTimeout"?',
    ]);
  });
});
