import {
  END_NODE,
  edgeKey,
  GOAL_NODE,
  type GraphCounts,
  journeyGraph,
  TRIGGER_NODE,
} from '../graph/journey-graph.ts';
import { renderSvg } from '../graph/svg.ts';
import type { Journey } from '../journeys/schema.ts';
import type { JourneyReport, StepReport } from './model.ts';

const sent = (step: StepReport) =>
  step.sends.filter((s) => s.status === 'SENT').reduce((total, s) => total + s.messages, 0);

/**
 * The report's figures as the diagram draws them: on each step the times it was reached, the enrollments
 * active there and the messages sent; on the entry the enrollments, on the end the completed ones, on the goal
 * those that reached it; on each edge the moves along it (the `moves` query), and on a step's edge to the end
 * the enrollments that completed there.
 */
export function diagramCounts(report: JourneyReport): GraphCounts {
  const nodes = new Map<string, Record<string, number>>([
    [TRIGGER_NODE, { entered: report.entered }],
    [END_NODE, { completed: report.completed }],
    [GOAL_NODE, { reached: report.exited.goal ?? 0 }],
  ]);
  for (const step of report.steps)
    nodes.set(step.stepId, { entered: step.entered, active: step.active, sent: sent(step) });
  const edges = new Map<string, number>();
  const add = (key: string, n: number) => edges.set(key, (edges.get(key) ?? 0) + n);
  for (const move of report.moves) add(edgeKey(move.from ?? TRIGGER_NODE, move.to), move.moves);
  for (const step of report.steps) {
    const completed = step.exited.completed ?? 0;
    if (completed > 0) add(edgeKey(step.stepId, END_NODE), completed);
  }
  return { nodes, edges };
}

/**
 * The journey's diagram as SVG (`cairn graph`'s, core/graph/), with the report's counts on each step and edge;
 * null when the journey has no file (a journey in the log that the journeys folder no longer holds).
 */
export async function diagramSvg(
  report: JourneyReport,
  journey: Journey | undefined,
): Promise<string | null> {
  if (journey === undefined) return null;
  const svg = await renderSvg(journeyGraph(journey, diagramCounts(report)));
  // Graphviz writes a standalone file: its XML declaration and doctype have no place inside an HTML page.
  return svg.slice(Math.max(0, svg.indexOf('<svg')));
}

/** Each journey's diagram by journey id, for `reportHtml`: the journeys are the folder's latest versions. */
export async function reportDiagrams(
  journeys: readonly JourneyReport[],
  definitions: readonly Journey[],
): Promise<Record<string, string | null>> {
  const diagrams: Record<string, string | null> = {};
  for (const report of journeys)
    diagrams[report.journeyId] = await diagramSvg(
      report,
      definitions.find((d) => d.id === report.journeyId),
    );
  return diagrams;
}
