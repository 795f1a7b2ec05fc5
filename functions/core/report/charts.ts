import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';
import type { JourneyReport } from './model.ts';

/**
 * The report's charts as Vega-Lite specifications (a declarative grammar: the data and how to encode it, no
 * drawing code), rendered to SVG by Vega in Node with no DOM, so the HTML page holds plain SVG and no script.
 */
const WIDTH = 520;
const FONT = 'system-ui, sans-serif';
const config = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 } };

/** Per step in the journey's order: the times enrollments reached it, and the messages it sent. */
export function funnelSpec(journey: JourneyReport): TopLevelSpec {
  const values = journey.steps.flatMap((s, order) => [
    { step: s.stepId, order, measure: 'reached', count: s.entered },
    {
      step: s.stepId,
      order,
      measure: 'sent',
      count: s.sends.filter((m) => m.status === 'SENT').reduce((a, m) => a + m.messages, 0),
    },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Funnel per step',
    width: WIDTH,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'step', type: 'nominal', sort: { field: 'order' }, title: null },
      yOffset: { field: 'measure', type: 'nominal' },
      x: { field: 'count', type: 'quantitative', title: 'enrollments reaching the step / messages sent' },
      color: { field: 'measure', type: 'nominal', title: null, scale: { range: ['#4c78a8', '#f58518'] } },
    },
    config,
  };
}

/** Per group: the goal rate per customer as a point, its 95% interval as a bar across it. */
export function ratesSpec(journey: JourneyReport): TopLevelSpec | null {
  const groups = journey.results?.groups.filter((g) => g.rate !== null && g.interval !== null) ?? [];
  if (groups.length === 0) return null;
  const values = groups.map((g) => ({
    group: g.holdout ? `${g.group} (holdout)` : g.group,
    rate: 100 * (g.rate ?? 0),
    low: 100 * (g.interval?.low ?? 0),
    high: 100 * (g.interval?.high ?? 0),
    customers: g.customers,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Goal reached per customer, with 95% intervals',
    width: WIDTH,
    data: { values },
    encoding: { y: { field: 'group', type: 'nominal', title: null, sort: null } },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'low', type: 'quantitative', title: 'goal rate (%)' },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x: { field: 'rate', type: 'quantitative' } },
      },
    ],
    config,
  };
}

/** Per UTC day: the messages by their final outcome, stacked by status and reason. */
export function sendsOverTimeSpec(journey: JourneyReport): TopLevelSpec | null {
  if (journey.sendsByDay.length === 0) return null;
  const values = journey.sendsByDay.map((d) => ({
    day: d.day,
    outcome: d.reason ? `${d.status}: ${d.reason}` : d.status,
    messages: d.messages,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Sends by outcome and reason, per day (UTC)',
    width: WIDTH,
    height: 180,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'day', type: 'temporal', timeUnit: 'utcyearmonthdate', title: null },
      y: { field: 'messages', type: 'quantitative', stack: 'zero', title: 'messages' },
      color: { field: 'outcome', type: 'nominal', title: null },
    },
    config,
  };
}

/** A Vega-Lite specification as SVG text. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export type JourneyCharts = { funnel: string; rates: string | null; sendsOverTime: string | null };

/** The charts of one journey, as SVG. */
export async function journeyCharts(journey: JourneyReport): Promise<JourneyCharts> {
  const rates = ratesSpec(journey);
  const sends = sendsOverTimeSpec(journey);
  return {
    funnel: await chartSvg(funnelSpec(journey)),
    rates: rates && (await chartSvg(rates)),
    sendsOverTime: sends && (await chartSvg(sends)),
  };
}
