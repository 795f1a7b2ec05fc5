import { describe, expect, it } from 'vitest';
import { toDot } from '../../../functions/core/graph/dot.ts';
import { graphPage } from '../../../functions/core/graph/html.ts';
import { journeyGraph } from '../../../functions/core/graph/journey-graph.ts';
import { renderSvg } from '../../../functions/core/graph/svg.ts';
import { journeyFromYaml } from '../../support/journeys.ts';
import { countedJourney, sampleJourney } from './support.ts';

/** The text of each <title> of a kind of group in the SVG (Graphviz titles a node by its id, an edge by from->to). */
function titles(svg: string, kind: 'node' | 'edge'): string[] {
  return [...svg.matchAll(new RegExp(`class="${kind}">\\s*<title>([^<]*)</title>`, 'g'))].map((m) =>
    (m[1] ?? '').replaceAll('&#45;', '-').replaceAll('&gt;', '>'),
  );
}

describe('renderSvg', () => {
  it('lays out a node per step, the entry and the end, an edge per edge, and labels the edges', async () => {
    // Prepare
    const journey = await sampleJourney('newsletter-follow-up');
    const graph = journeyGraph(journey);

    // Act
    const svg = await renderSvg(graph);

    // Assess
    expect(svg).toMatch(/<svg [^>]*viewBox=/);
    expect(titles(svg, 'node').sort()).toEqual(
      [':end', ':trigger', ...journey.steps.map((s) => s.id)].sort(),
    );
    expect(titles(svg, 'edge')).toHaveLength(graph.edges.length);
    for (const label of ['opened', 'not within 3 days', 'bounced', 'otherwise', 'clicked'])
      expect(svg).toContain(`>${label}</text>`);
  });

  it('draws each kind of node of win-back, with its goal and exit criterion', async () => {
    // Prepare
    const graph = journeyGraph(await sampleJourney('win-back'));

    // Act
    const svg = await renderSvg(graph);

    // Assess
    expect(titles(svg, 'node').sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    expect(svg).toContain('>percent&#45;off 50%</text>');
    expect(svg).toContain('>within 14 days</text>');
  });

  it('draws the counts given', async () => {
    // Prepare
    const { journey, counts } = countedJourney();

    // Act
    const svg = await renderSvg(journeyGraph(journey, counts));

    // Assess
    expect(svg).toContain('>entered 1,200 · sent 1,180</text>');
    expect(svg).toContain('>1,200</text>');
  });

  it('keeps quotes, backslashes and angle brackets in labels as text', async () => {
    // Prepare
    const journey = journeyFromYaml(`
id: odd
name: 'Quote " and \\ back'
trigger: { event: { detail-type: ['<b>&'] } }
steps:
  - { id: say, type: emit-event, detailType: 'say "\\N"' }
`);
    const graph = journeyGraph(journey);

    // Act
    const svg = await renderSvg(graph);

    // Assess
    expect(toDot(graph)).toContain('label="Quote \\" and \\\\ back"');
    expect(svg).toContain('>Quote &quot; and \\ back</text>');
    expect(svg).toContain('>&lt;b&gt;&amp;</text>');
    expect(svg).toContain('>emit say &quot;\\N&quot;</text>');
  });
});

describe('graphPage', () => {
  it('is a page with the SVG inline and nothing to fetch', async () => {
    // Prepare
    const graph = journeyGraph(await sampleJourney('win-back'));
    const svg = await renderSvg(graph);

    // Act
    const page = graphPage(graph, svg);

    // Assess
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Win-back for at-risk customers (win-back)</title>');
    expect(page).toContain(svg.slice(svg.indexOf('<svg')));
    expect(page).not.toContain('<?xml');
    expect(page).not.toContain('<!DOCTYPE svg');
    expect(page).not.toMatch(/<script|<link|\ssrc=|href="http/);
  });
});
