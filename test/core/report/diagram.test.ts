import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { END_NODE, edgeKey, GOAL_NODE, TRIGGER_NODE } from '../../../functions/core/graph/journey-graph.ts';
import { diagramCounts, diagramSvg } from '../../../functions/core/report/diagram.ts';
import type { JourneyReport, StepReport } from '../../../functions/core/report/model.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

const step = (stepId: string, over: Partial<StepReport> = {}): StepReport => ({
  stepId,
  type: null,
  entered: 0,
  enrollments: 0,
  active: 0,
  exited: {},
  sends: [],
  held: {},
  withheld: {},
  feedback: [],
  ...over,
});

const REPORT: JourneyReport = {
  journeyId: 'welcome-series',
  name: 'Welcome series',
  entered: 5,
  customers: 5,
  active: 2,
  completed: 2,
  notEntered: {},
  exited: { completed: 2, goal: 1 },
  steps: [
    step('welcome-email', {
      entered: 5,
      enrollments: 5,
      sends: [
        { status: 'SENT', reason: 'sent', channel: 'email', messages: 4 },
        { status: 'SKIPPED', reason: 'no-address', channel: 'email', messages: 1 },
      ],
    }),
    step('wait-1-day', { entered: 5, enrollments: 5, active: 2, exited: { goal: 1 } }),
    step('tips-email', { entered: 2, enrollments: 2, exited: { completed: 2 } }),
  ],
  moves: [
    { from: null, to: 'welcome-email', moves: 5 },
    { from: 'welcome-email', to: 'wait-1-day', moves: 5 },
  ],
  sendsByDay: [],
  results: null,
};

describe('the report diagram', () => {
  it("draws the report's counts: steps reached, active and sent; moves on edges; completions to the end", () => {
    // Act
    const counts = diagramCounts(REPORT);

    // Assess
    expect(counts.nodes?.get(TRIGGER_NODE)).toEqual({ entered: 5 });
    expect(counts.nodes?.get('welcome-email')).toEqual({ entered: 5, active: 0, sent: 4 });
    expect(counts.nodes?.get('wait-1-day')).toEqual({ entered: 5, active: 2, sent: 0 });
    expect(counts.nodes?.get(END_NODE)).toEqual({ completed: 2 });
    expect(counts.nodes?.get(GOAL_NODE)).toEqual({ reached: 1 });
    expect(counts.edges?.get(edgeKey(TRIGGER_NODE, 'welcome-email'))).toBe(5);
    expect(counts.edges?.get(edgeKey('welcome-email', 'wait-1-day'))).toBe(5);
    expect(counts.edges?.get(edgeKey('tips-email', END_NODE))).toBe(2);
    expect(counts.edges?.has(edgeKey('wait-1-day', END_NODE))).toBe(false);
  });

  it('is an SVG element to put in a page, or null for a journey no file holds', async () => {
    // Prepare
    const journey = journeyFromYaml(await readFile('journeys/welcome-series.yaml', 'utf8'));

    // Act
    const svg = await diagramSvg(REPORT, journey);
    const none = await diagramSvg(REPORT, undefined);

    // Assess
    expect(svg).toMatch(/^<svg /);
    expect(svg).not.toContain('<?xml');
    expect(svg).toContain('entered 5 · active 0 · sent 4');
    expect(none).toBeNull();
  });
});
