import { describeCondition, describeEntry, eventInWords } from '../journeys/describe-parts.ts';
import type { Journey, StepType, Trigger } from '../journeys/schema.ts';
import { drawStep } from '../steps/index.ts';
import type { WayKind } from '../steps/kind.ts';
import { durationInWords } from '../time/duration.ts';
import { describeDateTrigger } from '../triggers/date.ts';

/**
 * A journey as a graph of what can happen to an enrollment: where it enters, each step and each way out of it,
 * where it completes, and what may end it at any step (the goal, the exit criteria). Each step kind says how it
 * is drawn (its `draw`, functions/core/steps/); the renderers (mermaid.ts, dot.ts, svg.ts) only lay it out.
 */

/** The ids of the nodes that are no step. They start with a colon, which no step id has. */
export const TRIGGER_NODE = ':trigger';
export const END_NODE = ':end';
export const GOAL_NODE = ':goal';
/** The node of the exit criterion with this name (`exit-<index>` when the journey names none, as the engine does). */
export const exitNode = (name: string): string => `:exit:${name}`;

/** What a node is: a step of one of the kinds, or the entry, the end, the goal, an exit criterion. */
export type NodeKind = StepType | 'trigger' | 'end' | 'goal' | 'exit-on';

/** What an edge means: a step's way out (kind.ts), or `watch`: a goal or exit criterion watched from entry on. */
export type EdgeKind = WayKind | 'watch';

/** A named figure drawn on a node, such as `entered 120`. */
export type NodeCount = { name: string; value: number };

export type GraphNode = {
  /** The step id, or one of the ids above. */
  id: string;
  kind: NodeKind;
  /** The first line: the step id, or what the node is (`entry`, `goal`...). */
  title: string;
  /** What the node does, in a few words (`wait 1 day`, `send email: welcome`), a line each; empty for the end. */
  label: string;
  counts: NodeCount[];
};

export type GraphEdge = { from: string; to: string; kind: EdgeKind; label?: string; count?: number };

export type JourneyGraph = { journeyId: string; name: string; nodes: GraphNode[]; edges: GraphEdge[] };

/**
 * Figures to draw (a report's): per node id, named counts in the order given; per edge, one count, keyed by
 * `edgeKey(from, to)`. Ids that are not in the journey (a step of an older version) are not drawn.
 */
export type GraphCounts = {
  nodes?: ReadonlyMap<string, Readonly<Record<string, number>>>;
  edges?: ReadonlyMap<string, number>;
};

/** The key of the edge between two nodes in GraphCounts: a graph has at most one edge per pair. */
export const edgeKey = (from: string, to: string): string => `${from} -> ${to}`;

/** The journey as a graph, with the counts drawn when given. */
export function journeyGraph(journey: Journey, counts: GraphCounts = {}): JourneyGraph {
  const nodes: Omit<GraphNode, 'counts'>[] = [
    { id: TRIGGER_NODE, kind: 'trigger', title: 'entry', label: entryInWords(journey) },
  ];
  const edges: GraphEdge[] = [];
  const start = journey.start ?? journey.steps[0]?.id;
  if (start !== undefined) edges.push({ from: TRIGGER_NODE, to: start, kind: 'next' });
  for (const step of journey.steps) {
    const { label, ways } = drawStep(step);
    nodes.push({ id: step.id, kind: step.type, title: step.id, label });
    for (const way of ways)
      edges.push({
        from: step.id,
        to: way.to ?? END_NODE,
        kind: way.kind,
        ...(way.label === undefined ? {} : { label: way.label }),
      });
  }
  if (edges.some((edge) => edge.to === END_NODE))
    nodes.push({ id: END_NODE, kind: 'end', title: 'end', label: '' });
  for (const watched of watchedNodes(journey)) {
    nodes.push(watched.node);
    edges.push({ from: TRIGGER_NODE, to: watched.node.id, kind: 'watch', label: watched.when });
  }
  return {
    journeyId: journey.id,
    name: journey.name,
    nodes: nodes.map((node) => ({ ...node, counts: nodeCounts(counts.nodes?.get(node.id)) })),
    edges: mergeParallel(edges).map((edge) =>
      withCount(edge, counts.edges?.get(edgeKey(edge.from, edge.to))),
    ),
  };
}

/**
 * The goal and the exit criteria, each with when it is watched: they may end an enrollment at any step, so they
 * hang off the entry.
 */
function watchedNodes(journey: Journey): { node: Omit<GraphNode, 'counts'>; when: string }[] {
  const { goal } = journey;
  const goals = goal
    ? [
        {
          node: { id: GOAL_NODE, kind: 'goal' as const, title: 'goal', label: eventInWords(goal) },
          when: `within ${durationInWords(goal.within)}`,
        },
      ]
    : [];
  const exits = (journey.exit ?? []).map((criterion, i) => {
    const name = criterion.name ?? `exit-${i}`;
    const node = {
      id: exitNode(name),
      kind: 'exit-on' as const,
      title: `exit: ${name}`,
      label: eventInWords(criterion),
    };
    return { node, when: 'at any step' };
  });
  return [...goals, ...exits];
}

/** The trigger, the audience and the entry rule, one per line. */
function entryInWords(journey: Journey): string {
  return [
    triggerInWords(journey.trigger),
    ...(journey.audience ? [`if ${describeCondition(journey.audience)}`] : []),
    `enters ${describeEntry(journey.entry, journey.trigger.date !== undefined, durationInWords)}`,
  ].join('\n');
}

function triggerInWords(trigger: Trigger): string {
  if (trigger.date) return describeDateTrigger(trigger.date);
  if (trigger.stage) {
    const from = trigger.stage.from ? ` from ${trigger.stage.from.join(' or ')}` : '';
    return `stage becomes ${trigger.stage.to.join(' or ')}${from}`;
  }
  return eventInWords({ pattern: trigger.event ?? {} });
}

/** One edge per pair of nodes: a branch and its default to the same step are one edge with both labels. */
function mergeParallel(edges: readonly GraphEdge[]): GraphEdge[] {
  const byPair = new Map<string, GraphEdge>();
  for (const edge of edges) {
    const key = edgeKey(edge.from, edge.to);
    const seen = byPair.get(key);
    if (!seen) {
      byPair.set(key, edge);
      continue;
    }
    const labels = [seen.label, edge.label].filter((l): l is string => l !== undefined);
    byPair.set(key, { ...seen, ...(labels.length === 0 ? {} : { label: labels.join(' / ') }) });
  }
  return [...byPair.values()];
}

function nodeCounts(counts: Readonly<Record<string, number>> | undefined): NodeCount[] {
  return Object.entries(counts ?? {}).map(([name, value]) => ({ name, value }));
}

function withCount(edge: GraphEdge, count: number | undefined): GraphEdge {
  return count === undefined ? edge : { ...edge, count };
}
