import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadJourneyFile, loadJourneySet } from '../../../functions/core/journeys/load.ts';

const BROKEN = 'test/fixtures/journeys/broken';

async function problemsOf(name: string): Promise<string[]> {
  const file = `${BROKEN}/${name}`;
  const result = loadJourneySet([{ file, text: await readFile(file, 'utf8') }]);
  return result.problems.map(formatProblem);
}

/** Each broken fixture and exactly what the validator must say about it, position included. */
const EXPECTED: Record<string, string[]> = {
  'syntax-error.yaml': ['6:1 syntax error: All mapping items must start at the same column'],
  'misspelt-key.yaml': [
    '7:5 steps[0]: missing required key "template": a send step needs a template',
    '10:5 steps[0].tempalte: unknown key "tempalte"; did you mean "template"?',
  ],
  'unknown-step-type.yaml': [
    '8:11 steps[0].type: unknown type "sned"; expected one of send, wait, branch, split, holdout, update-profile, emit-event, call, exit; did you mean "send"?',
  ],
  'unknown-next-step.yaml': [
    '10:11 steps[0].next: unknown step "send-pus"; did you mean "send-push"?',
    '11:9 steps[1].id: step "send-push" is unreachable from the start step "wait-a-day"',
  ],
  'duplicate-step-id.yaml': ['16:9 steps[2].id: duplicate step id "welcome" (already used by steps[0])'],
  'unreachable-step.yaml': ['11:9 steps[1].id: step "orphan" is unreachable from the start step "welcome"'],
  'cycle-without-wait.yaml': [
    '7:5 steps[0]: cycle with no wait step: check -> nag -> check; add a wait step to the loop',
  ],
  'send-without-template.yaml': [
    '7:5 steps[0]: missing required key "template": a send step needs a template',
  ],
  'split-not-100.yaml': ['10:7 steps[0].variants: split percentages add up to 90, expected 100'],
  'wait-without-timeout.yaml': [
    '7:5 steps[0]: a wait for an event needs a timeout, e.g. "timeout: P1D" (and onTimeout: the step to take then)',
  ],
  'invalid-goal-pattern.yaml': [
    '8:18 goal.pattern.detail-type: invalid pattern: "detail-type" must be an object or an array',
  ],
  'invalid-exit-pattern.yaml': [
    '10:31 exit[0].pattern.detail.properties.email[0].wildcard: invalid pattern: Consecutive wildcard characters at pos 3',
  ],
  'bad-duration.yaml': [
    '9:15 steps[0].duration: expected an ISO-8601 duration such as PT30M, P1D or P2W, got "P1M" (years and months are not allowed: use days, e.g. P30D)',
    '13:14 steps[1].channel: expected one of email, sms, push, got "emial"; did you mean "email"?',
  ],
  'many-problems.yaml': [
    '3:1 categroy: unknown key "categroy"; did you mean "category"?',
    '8:5 steps[0]: missing required key "template": a send step needs a template',
    '12:5 steps[1]: a wait step needs exactly one of duration, until, event or engagement, found duration and until',
    '16:13 steps[1].until.time: expected a time of day as HH:MM, e.g. "09:30"',
  ],
  'engagement-not-a-send.yaml': [
    '7:15 audience.engagement: an audience cannot test engagement: a customer entering has no messages from this journey yet; use engagement in a branch or a wait',
    '16:25 steps[1].engagement.step: engagement of step "pause", which is a wait step, not a send: only a send step\'s messages have engagement',
    '23:37 steps[2].branches[0].when.engagement.step: engagement of step "wait-opened", which is a wait step, not a send: only a send step\'s messages have engagement',
    '25:37 steps[2].branches[1].when.engagement.step: engagement of unknown step "welcom" (name a send step); did you mean "welcome"?',
  ],
  'call-without-target.yaml': [
    '7:5 steps[0]: a call step needs exactly one target, http or lambda, found none',
  ],
  'saved-not-provided.yaml': [
    '19:19 steps[1].branches[0].when.saved.teir: saved field "teir" is saved by no call step of this journey (saveAs); did you mean "tier"?',
  ],
  'broken.json': ['6:93 steps[0].priority: expected one of low, normal, high, got "urgent"'],
};

describe('journey validation of broken fixtures', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`reports ${name} with file:line:column`, async () => {
      // Act
      const problems = await problemsOf(name);

      // Assess
      expect(problems).toEqual(expected.map((line) => `${BROKEN}/${name}:${line}`));
    });
  }

  it('has an expectation for every broken fixture', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(BROKEN)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('reports a journey id used by two files at the second file', async () => {
    const files = await Promise.all(
      ['a.yaml', 'b.yaml'].map(async (n) => ({
        file: n,
        text: await readFile(`test/fixtures/journeys/duplicate-ids/${n}`, 'utf8'),
      })),
    );

    const result = loadJourneySet(files);

    expect(result.problems.map(formatProblem)).toEqual([
      'b.yaml:1:5 id: journey id "same-id" is already used by a.yaml',
    ]);
    expect(result.journeys.map((j) => j.file)).toEqual(['a.yaml']);
  });
});

describe('journey validation of valid journeys', () => {
  it('applies the documented defaults', () => {
    const result = loadJourneyFile({
      file: 'j.yaml',
      text: 'id: j\nname: J\ntrigger: { event: { detail-type: [X] } }\nsteps:\n  - { id: s, type: send, channel: email, template: t }\n',
    });

    expect(result.problems).toEqual([]);
    expect(result.journey).toMatchObject({
      status: 'draft',
      category: 'marketing',
      description: '',
      entry: { reentry: 'never' },
      steps: [{ priority: 'normal' }],
    });
  });

  it('accepts the same journey written as JSON', () => {
    const result = loadJourneyFile({
      file: 'j.json',
      text: JSON.stringify({
        id: 'j',
        name: 'J',
        trigger: { stage: { to: ['vip'] } },
        steps: [{ id: 'done', type: 'exit' }],
      }),
    });

    expect(result.problems).toEqual([]);
    expect(result.journey?.trigger.stage?.to).toEqual(['vip']);
  });

  it('refuses a trigger with both an event and a stage', () => {
    const result = loadJourneyFile({
      file: 'j.yaml',
      text: 'id: j\nname: J\ntrigger:\n  event: { detail-type: [X] }\n  stage: { to: [vip] }\nsteps:\n  - { id: done, type: exit }\n',
    });

    expect(result.problems.map(formatProblem)).toEqual([
      'j.yaml:4:3 trigger: expected exactly one of event, stage, date, segment or schedule',
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    const result = loadJourneyFile({ file: 'j.yaml', text: '- just\n- a list\n' });

    expect(result.problems.map(formatProblem)).toEqual([
      'j.yaml:1:1 expected a journey: a mapping with id, name, trigger and steps',
    ]);
  });
});
