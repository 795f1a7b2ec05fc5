import type { JourneyGraph } from './journey-graph.ts';
import { escapeHtml } from './labels.ts';

/**
 * A page that shows the diagram alone, with nothing to fetch: the SVG is inline, without the XML prolog and
 * doctype that only a standalone SVG file has.
 */
export function graphPage(graph: JourneyGraph, svg: string): string {
  const title = escapeHtml(`${graph.name} (${graph.journeyId})`);
  const inline = svg.slice(Math.max(0, svg.indexOf('<svg')));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>body { font-family: Helvetica, Arial, sans-serif; margin: 2rem; } svg { max-width: 100%; height: auto; }</style>
</head>
<body>
<h1>${title}</h1>
${inline}</body>
</html>
`;
}
