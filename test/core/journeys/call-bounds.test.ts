import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';

/** A journey with one HTTP call step to `url`, with the `maxConcurrent` given (none when undefined). */
function journeyCalling(id: string, url: string, max: number | undefined): string {
  const bound = max === undefined ? '' : `\n      maxConcurrent: ${max}`;
  return [
    `id: ${id}`,
    `name: ${id}`,
    'trigger: { event: { detail-type: [Signed Up] } }',
    'steps:',
    '  - id: lookup',
    '    type: call',
    '    http:',
    `      url: ${url}${bound}`,
    '',
  ].join('\n');
}

describe('one bound per call target across journeys', () => {
  it('accepts two journeys stating the same bound for one origin, on different paths', () => {
    // Prepare
    const files = [
      { file: 'a.yaml', text: journeyCalling('a', 'https://crm.example.com/leads', 5) },
      { file: 'b.yaml', text: journeyCalling('b', 'https://crm.example.com/accounts', 5) },
      { file: 'c.yaml', text: journeyCalling('c', 'https://other.example.com/x', undefined) },
    ];

    // Act
    const result = loadJourneySet(files);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.journeys).toHaveLength(3);
  });

  it('reports a second, different bound for one origin at its maxConcurrent', () => {
    // Prepare
    const files = [
      { file: 'a.yaml', text: journeyCalling('a', 'https://crm.example.com/leads', 5) },
      { file: 'b.yaml', text: journeyCalling('b', 'https://crm.example.com/accounts', 3) },
    ];

    // Act
    const result = loadJourneySet(files);

    // Assess
    expect(result.problems.map(formatProblem)).toEqual([
      'b.yaml:9:22 steps[0].http.maxConcurrent: call target https://crm.example.com has maxConcurrent 5 at step "lookup" of journey "a" (a.yaml), 3 here: every call step naming a target states the same bound',
    ]);
    expect(result.journeys.map((j) => j.file)).toEqual(['a.yaml']);
  });

  it('reports a step with no bound for a target another step bounds', () => {
    // Prepare
    const files = [
      { file: 'a.yaml', text: journeyCalling('a', 'https://crm.example.com/leads', 5) },
      { file: 'b.yaml', text: journeyCalling('b', 'https://crm.example.com/leads', undefined) },
    ];

    // Act
    const result = loadJourneySet(files);

    // Assess
    expect(result.problems.map(formatProblem)).toEqual([
      'b.yaml:8:7 steps[0].http: call target https://crm.example.com has maxConcurrent 5 at step "lookup" of journey "a" (a.yaml), none here: every call step naming a target states the same bound',
    ]);
  });
});
