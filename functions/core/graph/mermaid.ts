import type { EdgeKind, GraphNode, JourneyGraph, NodeKind } from './journey-graph.ts';
import { countLines, edgeLines, labelLines } from './labels.ts';

/**
 * A journey graph as Mermaid flowchart text, which GitHub and most Markdown viewers draw. Mermaid needs a
 * browser to lay the text out, so the SVG is made from DOT instead (dot.ts, svg.ts).
 */

/** The brackets of each node kind's shape. A new step kind does not compile until it has one. */
const SHAPES: Record<NodeKind, readonly [string, string]> = {
  trigger: ['([', '])'],
  send: ['[', ']'],
  wait: ['(', ')'],
  branch: ['{', '}'],
  split: ['{{', '}}'],
  holdout: ['[/', '/]'],
  'update-profile': ['[[', ']]'],
  'emit-event': ['>', ']'],
  call: ['[[', ']]'],
  exit: ['([', '])'],
  end: ['((', '))'],
  goal: ['[\\', '\\]'],
  'exit-on': ['[\\', '\\]'],
};

const ARROWS: Record<EdgeKind, string> = {
  next: '-->',
  choice: '-->',
  timeout: '-.->',
  failure: '-.->',
  watch: '-.-',
};

export function toMermaid(graph: JourneyGraph): string {
  const ids = mermaidIds(graph.nodes);
  const idOf = (node: string) => ids.get(node) ?? node;
  const lines = ['---', `title: ${quoted(graph.name)}`, '---', 'flowchart TD'];
  for (const node of graph.nodes) {
    const [open, close] = SHAPES[node.kind];
    const text = [node.title, ...labelLines(node), ...countLines(node.counts)];
    lines.push(`  ${idOf(node.id)}${open}"${text.map(escaped).join('<br/>')}"${close}`);
  }
  for (const edge of graph.edges) {
    const text = edgeLines(edge);
    const label = text.length === 0 ? '' : `|"${text.map(escaped).join('<br/>')}"|`;
    lines.push(`  ${idOf(edge.from)} ${ARROWS[edge.kind]}${label} ${idOf(edge.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Mermaid ids: `s_` and the step id with underscores for dashes (step ids have no underscore, so no two steps
 * meet), `x_` and the kind for the other nodes, numbered when there are several of a kind (exit criteria).
 */
function mermaidIds(nodes: readonly GraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const node of nodes) {
    if (!node.id.startsWith(':')) {
      ids.set(node.id, `s_${node.id.replaceAll('-', '_')}`);
      continue;
    }
    const base = `x_${node.kind.replaceAll('-', '_')}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.set(node.id, n === 0 ? base : `${base}_${n}`);
  }
  return ids;
}

/** Text inside a quoted Mermaid label: its own quotes, angle brackets and hashes as entity codes. */
function escaped(text: string): string {
  return text
    .replaceAll('#', '#35;')
    .replaceAll('"', '#quot;')
    .replaceAll('<', '#lt;')
    .replaceAll('>', '#gt;');
}

/** A YAML string for the front matter's title. */
function quoted(text: string): string {
  return JSON.stringify(text);
}
