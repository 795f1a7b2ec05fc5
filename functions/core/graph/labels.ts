import type { GraphEdge, GraphNode, NodeCount } from './journey-graph.ts';

/** The lines of a node's label: none for an empty one (the end's). */
export function labelLines(node: Pick<GraphNode, 'label'>): string[] {
  return node.label === '' ? [] : node.label.split('\n');
}

/** A node's counts as its diagram shows them: one line, `entered 120 · sent 98`; none when there are none. */
export function countLines(counts: readonly NodeCount[]): string[] {
  if (counts.length === 0) return [];
  return [counts.map((c) => `${c.name} ${c.value.toLocaleString('en-US')}`).join(' · ')];
}

/** An edge's label and count, each a line; none when it has neither. */
export function edgeLines(edge: GraphEdge): string[] {
  return [edge.label, edge.count?.toLocaleString('en-US')].filter((line) => line !== undefined);
}

/** Text made safe inside HTML (the page) and Graphviz's HTML-like labels, which escape alike. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
