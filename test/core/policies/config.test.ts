import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { defaultPolicies } from '../../../functions/core/policies/config.ts';
import { loadPolicies } from '../../../functions/core/policies/policy-file.ts';

const FILE = 'journeys/policies.yaml';

describe('journeys/policies.yaml', () => {
  it('loads, with the seed requirement of at most 2 marketing messages per 7 days on any channel', async () => {
    // Prepare
    const text = await readFile(FILE, 'utf8');

    // Act
    const { policies, problems } = loadPolicies(FILE, text);

    // Assess
    expect(problems).toEqual([]);
    expect(policies?.caps).toContainEqual({
      id: 'marketing-weekly',
      max: 2,
      per: 'P7D',
      channel: 'any',
      category: 'marketing',
    });
    expect(policies?.quietHours.sms).toMatchObject({ from: '22:00', to: '08:00', behaviour: 'hold' });
    expect(policies?.quietHours.push).toMatchObject({ from: '22:00', to: '08:00', behaviour: 'hold' });
  });

  it('merges an environment over the base: mappings key by key, lists replaced', async () => {
    // Prepare
    const text = await readFile(FILE, 'utf8');

    // Act
    const eu = loadPolicies(FILE, text, 'eu').policies;
    const us = loadPolicies(FILE, text, 'us').policies;

    // Assess
    expect(eu?.consent.email).toEqual({ marketing: 'opt-in', transactional: 'none' });
    expect(eu?.consent.sms?.marketing).toBe('opt-in');
    expect(eu?.closedDays.dates.map((d) => d.date)).toEqual(['2026-12-25', '2026-12-26', '2027-01-01']);
    expect(us?.sendWindows.sms?.open).toHaveLength(2);
    expect(us?.closedDays.dates.map((d) => d.date)).toEqual(['2026-11-26', '2026-12-25']);
    expect(us?.caps).toEqual(eu?.caps);
  });
});

describe('loadPolicies problems', () => {
  const load = (text: string, env?: string) =>
    loadPolicies('p.yaml', text, env).problems.map((p) => formatProblem(p));

  it('names file, line and column of a misspelt key, with a suggestion', () => {
    expect(load('caps: []\nquietHour:\n  sms: { from: "22:00", to: "08:00" }\n')).toEqual([
      'p.yaml:2:1 quietHour: unknown key "quietHour"; did you mean "quietHours"?',
    ]);
  });

  it('locates a bad value inside an environment in the environment', () => {
    const text = [
      'caps:',
      '  - { id: weekly, max: 2, per: P7D }',
      'environments:',
      '  eu:',
      '    caps:',
      '      - { id: weekly, max: 0, per: P7D }',
      '',
    ].join('\n');

    expect(load(text)).toEqual([
      'p.yaml:6:28 environments.eu.caps[0].max: expected a number > 0, got number 0',
    ]);
  });

  it('reports bad times, durations, duplicate ids, addresses and an unknown environment', () => {
    const text = [
      'caps:',
      '  - { id: a, max: 2, per: P1M }',
      '  - { id: b, max: 1, per: P1D }',
      '  - { id: b, max: 1, per: P2D }',
      'quietHours:',
      '  sms: { from: "22:00", to: "22:00" }',
      '  push: { from: "10pm", to: "08:00" }',
      'suppression:',
      '  - { address: not-an-address, reason: stop }',
      '',
    ].join('\n');

    const problems = load(text, 'prod');

    expect(problems).toEqual([
      expect.stringMatching(/^p\.yaml:2:27 caps\[0\]\.per: expected an ISO-8601 duration .*years and months/),
      'p.yaml:6:29 quietHours.sms.to: expected from and to to differ',
      'p.yaml:7:17 quietHours.push.from: expected a time of day as HH:MM, e.g. "09:30"',
    ]);
    expect(
      load(
        text.replace('P1M', 'P30D').replace('"10pm"', '"22:00"').replace('to: "22:00"', 'to: "07:00"'),
        'prod',
      ),
    ).toEqual([
      'p.yaml:1:1 environments: no environment "prod"; the file defines none',
      'p.yaml:4:11 caps[2].id: duplicate cap id "b"',
      'p.yaml:9:16 suppression[0].address: expected an email address or an E.164 phone number such as +447911123456, got "not-an-address"',
    ]);
  });

  it('reports a syntax error with its position', () => {
    expect(load('caps: [\n')).toEqual([expect.stringMatching(/^p\.yaml:2:1 syntax error: /)]);
  });

  it('has sensible consent defaults without a file', () => {
    expect(defaultPolicies().consent).toEqual({
      email: { marketing: 'opt-out', transactional: 'none' },
      sms: { marketing: 'opt-in', transactional: 'opt-out' },
      push: { marketing: 'opt-in', transactional: 'opt-out' },
    });
  });
});
