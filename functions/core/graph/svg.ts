import type { Viz } from '@viz-js/viz';
import { toDot } from './dot.ts';
import type { JourneyGraph } from './journey-graph.ts';

/**
 * A journey graph as SVG, laid out by Graphviz compiled to WebAssembly (@viz-js/viz): no browser, no DOM, no
 * network. The module is loaded on first use, so that what only needs the text forms does not load it.
 */

let viz: Promise<Viz> | undefined;

export async function renderSvg(graph: JourneyGraph): Promise<string> {
  viz ??= import('@viz-js/viz').then((module) => module.instance());
  return (await viz).renderString(toDot(graph), { format: 'svg' });
}
