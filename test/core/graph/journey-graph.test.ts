import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJourneyFiles } from '../../../functions/adapters/files/journey-files.ts';
import {
  END_NODE,
  edgeKey,
  exitNode,
  GOAL_NODE,
  type GraphCounts,
  type JourneyGraph,
  journeyGraph,
  TRIGGER_NODE,
} from '../../../functions/core/graph/journey-graph.ts';
import { loadJourneySet } from '../../../functions/core/journeys/load.ts';
import { Journey } from '../../../functions/core/journeys/schema.ts';
import { STEP_TABLE, stepKindOf } from '../../../functions/core/steps/index.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

async function sampleJourneys(): Promise<Journey[]> {
  const { journeys, problems } = loadJourneySet((await readJourneyFiles(['journeys'])).files);
  expect(problems).toEqual([]);
  return journeys.map((j) => j.journey);
}

/** What the graph must hold for any journey, checked against the validator's own edges (each kind's `edges`). */
function structuralProblems(journey: Journey, graph: JourneyGraph): string[] {
  const problems: string[] = [];
  const ids = graph.nodes.map((n) => n.id);
  for (const step of journey.steps) {
    const times = ids.filter((id) => id === step.id).length;
    if (times !== 1) problems.push(`${journey.id}: step ${step.id} is ${times} node(s)`);
    for (const { target } of stepKindOf(step.type)?.edges(step) ?? [])
      if (!graph.edges.some((e) => e.from === step.id && e.to === target))
        problems.push(`${journey.id}: no edge ${step.id} -> ${target}`);
  }
  for (const edge of graph.edges)
    if (!ids.includes(edge.from) || !ids.includes(edge.to))
      problems.push(`${journey.id}: edge ${edgeKey(edge.from, edge.to)} to a node that is not drawn`);
  const keys = graph.edges.map((e) => edgeKey(e.from, e.to));
  if (new Set(keys).size !== keys.length) problems.push(`${journey.id}: two edges between one pair of nodes`);
  const start = journey.start ?? journey.steps[0]?.id ?? '';
  if (!keys.includes(edgeKey(TRIGGER_NODE, start))) problems.push(`${journey.id}: no edge from the entry`);
  return problems;
}

describe('journeyGraph over the sample journeys', () => {
  it('draws every step once, and an edge to every step each one can go to', async () => {
    // Prepare
    const journeys = await sampleJourneys();

    // Act
    const problems = journeys.flatMap((journey) => structuralProblems(journey, journeyGraph(journey)));

    // Assess
    expect(journeys.length).toBeGreaterThanOrEqual(10);
    expect(problems).toEqual([]);
  });

  it('covers every step kind and every form of wait among the samples', async () => {
    // Prepare
    const steps = (await sampleJourneys()).flatMap((j) => j.steps);

    // Act
    const kinds = new Set(steps.map((s) => s.type));
    const waitForms = new Set(
      steps.flatMap((s) => (s.type === 'wait' ? Object.keys(s).filter((k) => k in FORM_OF) : [])),
    );

    // Assess
    expect([...kinds].sort()).toEqual(Object.keys(STEP_TABLE).sort());
    expect([...waitForms].sort()).toEqual(Object.keys(FORM_OF).sort());
  });

  it('labels each kind of step and each way out as the diagram shows them', async () => {
    // Prepare
    const journeys = await sampleJourneys();
    const graphs = new Map(journeys.map((j) => [j.id, journeyGraph(j)]));
    const node = (journey: string, id: string) => graphs.get(journey)?.nodes.find((n) => n.id === id)?.label;
    const edge = (journey: string, from: string, to: string) =>
      graphs.get(journey)?.edges.find((e) => e.from === from && e.to === to);

    // Act
    const labels = {
      send: node('win-back', 'send-percent-off'),
      holdout: node('win-back', 'control-group'),
      split: node('win-back', 'offer-test'),
      variant: edge('win-back', 'offer-test', 'send-free-shipping')?.label,
      duration: node('welcome-series', 'wait-1-day'),
      until: node('cross-sell', 'morning'),
      eventWait: node('cart-abandonment', 'wait-for-order'),
      arrived: edge('cart-abandonment', 'wait-for-order', 'ordered'),
      timedOut: edge('cart-abandonment', 'wait-for-order', 'remind'),
      engagement: node('newsletter-follow-up', 'wait-open'),
      branchTaken: edge('newsletter-follow-up', 'opened-or-not', 'undeliverable')?.label,
      otherwise: edge('newsletter-follow-up', 'opened-or-not', 'resend')?.label,
      emit: node('newsletter-follow-up', 'engaged'),
      exit: node('newsletter-follow-up', 'undeliverable'),
      update: node('vip-appreciation', 'mark-vip'),
      call: node('wholesale-leads', 'post-lead'),
      failed: edge('wholesale-leads', 'post-lead', 'standard-reply'),
      entry: node('cart-abandonment', TRIGGER_NODE),
      goal: node('win-back', GOAL_NODE),
      exitOn: node('win-back', exitNode('ordered')),
    };

    // Assess
    expect(labels).toEqual({
      send: 'send email or push: win-back-15-off',
      holdout: 'hold out 10% (no messages)',
      split: 'split 50/50',
      variant: 'free-shipping 50%',
      duration: 'wait 1 day',
      until: expect.stringMatching(/^wait until \d\d:\d\d local time/),
      eventWait: 'wait for Order Completed, same cartId',
      arrived: { from: 'wait-for-order', to: 'ordered', kind: 'next', label: 'arrived' },
      timedOut: { from: 'wait-for-order', to: 'remind', kind: 'timeout', label: 'not within 30 minutes' },
      engagement: 'wait for welcome-1 opened',
      branchTaken: 'bounced',
      otherwise: 'otherwise',
      emit: 'emit Newsletter Engaged',
      exit: 'exit: welcome-bounced',
      update: expect.stringMatching(/^update profile set /),
      call: 'call POST https://crm.example.com/hooks/leads',
      failed: { from: 'post-lead', to: 'standard-reply', kind: 'failure', label: 'failed' },
      entry: 'Product Added, cartId exists\nenters once, per detail.properties.cartId',
      goal: 'Order Completed',
      exitOn: 'Order Completed',
    });
  });
});

/** The keys that choose a wait's form. */
const FORM_OF = { duration: true, until: true, event: true, engagement: true };

const INLINE = `
id: inline
name: Inline
trigger: { stage: { to: [vip], from: [active] } }
audience: { stages: [vip] }
entry: { reentry: always, maxEntries: 3 }
goal: { pattern: { detail-type: [Order Completed] }, within: P2D }
exit:
  - pattern: { detail-type: [Unsubscribed] }
steps:
  - id: ask
    type: branch
    branches:
      - when: { stages: [vip] }
        next: thanks
      - name: lapsed
        when: { stages: [lapsed] }
        next: thanks
    default: done
  - id: thanks
    type: send
    channel: sms
    template: thanks
  - id: done
    type: exit
`;

describe('journeyGraph on an inline journey', () => {
  it('draws the end once, for every step without a next step, and no end when nothing completes', () => {
    // Prepare
    const journey = journeyFromYaml(INLINE);
    const ending = journeyFromYaml(
      'id: x\nname: X\ntrigger: { event: { detail-type: [A] } }\nsteps:\n  - { id: bye, type: exit }\n',
    );

    // Act
    const graph = journeyGraph(journey);

    // Assess
    expect(graph.nodes.filter((n) => n.id === END_NODE)).toHaveLength(1);
    expect(graph.edges.filter((e) => e.to === END_NODE).map((e) => e.from)).toEqual(['thanks']);
    expect(journeyGraph(ending).nodes.map((n) => n.id)).toEqual([TRIGGER_NODE, 'bye']);
  });

  it('makes two ways to the same step one edge with both labels', () => {
    // Prepare
    const journey = journeyFromYaml(INLINE);

    // Act
    const edges = journeyGraph(journey).edges.filter((e) => e.from === 'ask');

    // Assess
    expect(edges).toEqual([
      { from: 'ask', to: 'thanks', kind: 'choice', label: 'stage in vip / lapsed' },
      { from: 'ask', to: 'done', kind: 'choice', label: 'otherwise' },
    ]);
  });

  it('hangs the goal and the exit criteria off the entry, and says who enters how often', () => {
    // Prepare
    const journey = journeyFromYaml(INLINE);

    // Act
    const graph = journeyGraph(journey);

    // Assess
    expect(graph.nodes.find((n) => n.id === TRIGGER_NODE)?.label).toBe(
      'stage becomes vip from active\nif stage in vip\nenters again whenever not enrolled, at most 3 times',
    );
    expect(graph.edges.filter((e) => e.kind === 'watch')).toEqual([
      { from: TRIGGER_NODE, to: GOAL_NODE, kind: 'watch', label: 'within 2 days' },
      { from: TRIGGER_NODE, to: exitNode('exit-0'), kind: 'watch', label: 'at any step' },
    ]);
  });

  it('puts the counts given on their nodes and edges, in their order, and ignores ids it does not draw', () => {
    // Prepare
    const journey = journeyFromYaml(INLINE);
    const counts: GraphCounts = {
      nodes: new Map<string, Record<string, number>>([
        ['thanks', { entered: 120, sent: 98 }],
        [GOAL_NODE, { reached: 7 }],
        ['gone-step', { entered: 5 }],
      ]),
      edges: new Map([
        [edgeKey('ask', 'thanks'), 120],
        [edgeKey('gone-step', 'thanks'), 5],
      ]),
    };

    // Act
    const graph = journeyGraph(journey, counts);

    // Assess
    expect(graph.nodes.find((n) => n.id === 'thanks')?.counts).toEqual([
      { name: 'entered', value: 120 },
      { name: 'sent', value: 98 },
    ]);
    expect(graph.nodes.find((n) => n.id === GOAL_NODE)?.counts).toEqual([{ name: 'reached', value: 7 }]);
    expect(graph.nodes.find((n) => n.id === 'ask')?.counts).toEqual([]);
    expect(graph.edges.filter((e) => e.count !== undefined)).toEqual([
      expect.objectContaining({ from: 'ask', to: 'thanks', count: 120 }),
    ]);
    expect(graph.nodes.some((n) => n.id === 'gone-step')).toBe(false);
  });
});

/** A step of each kind, going to the ids given (undefined: nowhere), for journeys made up by fast-check. */
const STEP_MAKERS: ((id: string, to: (string | undefined)[]) => Record<string, unknown>)[] = [
  (id, [a]) => ({ id, type: 'send', channel: 'email', template: 't', ...(a ? { next: a } : {}) }),
  (id, [a]) => ({ id, type: 'wait', duration: 'P1D', ...(a ? { next: a } : {}) }),
  (id, [a, b]) => ({
    id,
    type: 'wait',
    event: { pattern: { 'detail-type': ['E'] } },
    timeout: 'PT1H',
    ...(a ? { next: a } : {}),
    ...(b ? { onTimeout: b } : {}),
  }),
  (id, [a, b, c]) => ({
    id,
    type: 'branch',
    branches: [
      { when: { stages: ['vip'] }, next: a ?? id },
      { name: 'b', when: { stages: ['new'] }, next: b ?? id },
    ],
    default: c ?? id,
  }),
  (id, [a, b]) => ({
    id,
    type: 'split',
    variants: [
      { name: 'a', percent: 50, next: a ?? id },
      { name: 'b', percent: 50, next: b ?? id },
    ],
  }),
  (id, [a]) => ({ id, type: 'holdout', percent: 10, ...(a ? { next: a } : {}) }),
  (id, [a]) => ({ id, type: 'update-profile', set: { x: 1 }, ...(a ? { next: a } : {}) }),
  (id, [a]) => ({ id, type: 'emit-event', detailType: 'E', ...(a ? { next: a } : {}) }),
  (id, [a, b]) => ({
    id,
    type: 'call',
    lambda: { function: 'f' },
    ...(a ? { next: a } : {}),
    ...(b ? { onFailure: b } : {}),
  }),
  (id) => ({ id, type: 'exit' }),
];

describe('journeyGraph on any journey', () => {
  it('draws each step exactly once and every step id a step names as an edge', () => {
    // Prepare
    const journeys = fc
      .integer({ min: 1, max: 8 })
      .chain((n) =>
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: STEP_MAKERS.length - 1 }),
            fc.array(fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }), {
              minLength: 3,
              maxLength: 3,
            }),
          ),
          { minLength: n, maxLength: n },
        ),
      )
      .map((steps) =>
        Journey.parse({
          id: 'any',
          name: 'Any',
          trigger: { event: { 'detail-type': ['A'] } },
          steps: steps.map(([maker, targets], i) =>
            STEP_MAKERS[maker]?.(
              `s${i}`,
              targets.map((t) => (t === undefined ? undefined : `s${t}`)),
            ),
          ),
        }),
      );

    // Act and Assess
    fc.assert(
      fc.property(journeys, (journey) => {
        expect(structuralProblems(journey, journeyGraph(journey))).toEqual([]);
      }),
    );
  });
});
