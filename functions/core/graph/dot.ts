import type { EdgeKind, GraphEdge, GraphNode, JourneyGraph, NodeKind } from './journey-graph.ts';
import { countLines, edgeLines, escapeHtml, labelLines } from './labels.ts';

/** A journey graph as Graphviz DOT text: what svg.ts lays out, and what `cairn graph --format dot` prints. */

/** Each node kind's shape and colours. A new step kind does not compile until it has one. */
const NODE_STYLES: Record<NodeKind, string> = {
  trigger: 'shape=box, style="rounded,filled", fillcolor="#d1e7dd"',
  send: 'shape=box, style=filled, fillcolor="#dbe9ff"',
  wait: 'shape=box, style="rounded,filled", fillcolor="#fff3cd"',
  branch: 'shape=diamond, style=filled, fillcolor="#f3e8ff"',
  split: 'shape=hexagon, style=filled, fillcolor="#f3e8ff"',
  holdout: 'shape=box, style="filled,dashed", fillcolor="#eeeeee"',
  'update-profile': 'shape=note, style=filled, fillcolor="#eeeeee"',
  'emit-event': 'shape=cds, style=filled, fillcolor="#e0f2f1"',
  call: 'shape=box, peripheries=2, style=filled, fillcolor="#e2e3f3"',
  exit: 'shape=box, style="rounded,filled", fillcolor="#f8d7da"',
  end: 'shape=circle, style=filled, fillcolor="#dddddd"',
  goal: 'shape=box, style="filled,dashed", fillcolor="#d1e7dd"',
  'exit-on': 'shape=box, style="filled,dashed", fillcolor="#f8d7da"',
};

const EDGE_STYLES: Record<EdgeKind, string> = {
  next: '',
  choice: '',
  timeout: 'style=dashed',
  failure: 'style=dashed, color="#b02a37", fontcolor="#b02a37"',
  watch: 'style=dotted, arrowhead=none',
};

export function toDot(graph: JourneyGraph): string {
  return [
    `digraph ${quoted(graph.journeyId)} {`,
    `  graph [label=${quoted(graph.name)}, labelloc=t, fontname="Helvetica", fontsize=14];`,
    '  node [fontname="Helvetica", fontsize=11, margin="0.15,0.06"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    ...graph.nodes.map(nodeLine),
    ...graph.edges.map(edgeLine),
    '}',
    '',
  ].join('\n');
}

/** A node with an HTML-like label: its title in bold, then what it does, then its counts. */
function nodeLine(node: GraphNode): string {
  const lines = [
    `<B>${htmlText(node.title)}</B>`,
    ...labelLines(node).map(htmlText),
    ...countLines(node.counts).map((line) => `<FONT POINT-SIZE="10">${htmlText(line)}</FONT>`),
  ];
  return `  ${quoted(node.id)} [label=<${lines.join('<BR/>')}>, ${NODE_STYLES[node.kind]}];`;
}

function edgeLine(edge: GraphEdge): string {
  const attributes = [
    ...(edgeLines(edge).length === 0 ? [] : [`label=${quoted(edgeLines(edge).join('\n'))}`]),
    ...(EDGE_STYLES[edge.kind] === '' ? [] : [EDGE_STYLES[edge.kind]]),
  ];
  const list = attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`;
  return `  ${quoted(edge.from)} -> ${quoted(edge.to)}${list};`;
}

/** A DOT double-quoted string; a newline is a line break, a backslash only itself. */
function quoted(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/**
 * Text inside an HTML-like label. Graphviz reads backslash escapes there too (`\N` is the node's name), so a
 * backslash is doubled.
 */
function htmlText(text: string): string {
  return escapeHtml(text).replaceAll('\\', '\\\\');
}
