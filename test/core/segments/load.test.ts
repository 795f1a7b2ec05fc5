import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { loadSegmentSet, unknownSegmentReferences } from '../../../functions/core/segments/load.ts';

const file = (name: string, lines: string[]) => ({
  file: `segments/${name}.yaml`,
  text: `${lines.join('\n')}\n`,
});
const problemsOf = (files: { file: string; text: string }[]) =>
  loadSegmentSet(files).problems.map(formatProblem);

describe('loadSegmentSet', () => {
  it('loads segments that refer to each other', () => {
    // Prepare
    const files = [
      file('vip', ['id: vip', 'name: VIP', 'when:', '  stages: [vip]']),
      file('frequent', [
        'id: frequent',
        'name: Frequent',
        'when:',
        '  history: { event: { detail-type: [Order Completed] }, within: P180D, atLeast: 3 }',
        'exclude: [vip]',
      ]),
    ];

    // Act
    const { segments, problems } = loadSegmentSet(files);

    // Assess
    expect(problems).toEqual([]);
    expect(segments.map((s) => s.segment.id)).toEqual(['vip', 'frequent']);
  });

  it('names unknown segment ids with file:line:col and a did-you-mean', () => {
    // Prepare
    const files = [
      file('vip', ['id: vip', 'name: VIP', 'when: { stages: [vip] }']),
      file('a', ['id: a', 'name: A', 'when:', '  segment: vpi', 'include: [vip, nobody]']),
    ];

    // Act
    const problems = problemsOf(files);

    // Assess
    expect(problems).toEqual([
      'segments/a.yaml:4:12 when.segment: unknown segment "vpi"; did you mean "vip"?',
      'segments/a.yaml:5:16 include[1]: unknown segment "nobody"',
    ]);
  });

  it('reports an include/exclude cycle once, at the reference that closes it', () => {
    // Prepare: a includes b, b excludes c, c includes a.
    const files = [
      file('a', ['id: a', 'name: A', 'include: [b]']),
      file('b', ['id: b', 'name: B', 'when: { stages: [new] }', 'exclude: [c]']),
      file('c', ['id: c', 'name: C', 'include: [a]']),
    ];

    // Act
    const problems = problemsOf(files);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^segments\/[abc]\.yaml:\d+:\d+ (include|exclude)\[0\]: segments refer to each other in a cycle: /,
    );
    expect(problems[0]).toMatch(/(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$/);
  });

  it('reports bad conditions where they are written', () => {
    // Prepare
    const files = [
      file('bad', [
        'id: bad',
        'name: Bad',
        'when:',
        '  stages: [gold]',
        '  history: { event: { detail-type: Order Completed }, within: P1M }',
      ]),
    ];

    // Act
    const problems = problemsOf(files);

    // Assess
    expect(problems).toEqual([
      'segments/bad.yaml:4:12 when.stages[0]: expected one of new, active, at_risk, vip, lapsed, got "gold"',
      'segments/bad.yaml:5:12 when.history: expected atLeast or atMost (or both)',
      'segments/bad.yaml:5:63 when.history.within: expected an ISO-8601 duration such as PT30M, P1D or P2W, got "P1M" (years and months are not allowed: use days, e.g. P30D)',
    ]);
  });

  it('reports a trigger, an invalid pattern and an id used twice once the schema holds', () => {
    // Prepare
    const files = [
      file('first', ['id: same', 'name: First', 'when: { stages: [vip] }']),
      file('second', [
        'id: same',
        'name: Second',
        'when:',
        '  trigger: { detail-type: [x] }',
        '  profile: { orders: [{ numeric: [">", "three"] }] }',
      ]),
    ];

    // Act
    const problems = problemsOf(files);

    // Assess
    expect(problems).toEqual([
      'segments/second.yaml:1:5 id: segment id "same" is already used by segments/first.yaml',
      'segments/second.yaml:4:12 when.trigger: a segment has no trigger event: use profile, stages, history or segment',
      expect.stringMatching(
        /^segments\/second\.yaml:5:\d+ when\.profile\.orders\[0\]\.numeric.*: invalid pattern: /,
      ),
    ]);
  });
});

describe('unknownSegmentReferences', () => {
  it('names a journey audience, branch or segment-event pattern that refers to no segment, at file:line:col', () => {
    // Prepare
    const journey = {
      file: 'journeys/j.yaml',
      text: [
        'id: j',
        'name: J',
        'trigger: { event: { detail-type: [x] } }',
        'audience: { segment: frequent-buyer }',
        'exit:',
        '  - pattern: { source: [cairn.segments], detail-type: [Segment Exited], detail: { properties: { segment: [vip, vips] } } }',
        'steps:',
        '  - id: b',
        '    type: branch',
        '    branches:',
        '      - { when: { segment: vip }, next: b }',
        '    default: b',
        '',
      ].join('\n'),
    };

    // Act
    const problems = unknownSegmentReferences([journey], ['vip', 'frequent-buyers']).map(formatProblem);

    // Assess
    expect(problems).toEqual([
      'journeys/j.yaml:4:22 audience.segment: unknown segment "frequent-buyer"; did you mean "frequent-buyers"?; segments are the files in segments/ beside the journeys',
      'journeys/j.yaml:6:112 exit[0].pattern.detail.properties.segment[1]: unknown segment "vips"; did you mean "vip"?; segments are the files in segments/ beside the journeys',
    ]);
  });
});
