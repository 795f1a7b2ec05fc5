import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../../functions/core/diagnostics/problem.ts';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { processInput } from '../../../functions/core/engine/engine.ts';
import { type CustomerState, newCustomerState, type Timer } from '../../../functions/core/engine/state.ts';
import { evaluateStage, lifecycleView } from '../../../functions/core/lifecycle/lifecycle.ts';
import { loadLifecycleConfig } from '../../../functions/core/lifecycle/lifecycle-file.ts';
import { compileLifecycle } from '../../../functions/core/lifecycle/lifecycle-model.ts';
import { nextStageBoundary } from '../../../functions/core/lifecycle/stage-boundary.ts';
import { customerEvent, DAY, journeyFromYaml } from '../../support/journeys.ts';

const T0 = Date.parse('2026-01-05T12:00:00Z');

async function defaultModel() {
  const { config, problems } = loadLifecycleConfig(
    'journeys/lifecycle.yaml',
    await readFile('journeys/lifecycle.yaml', 'utf8'),
  );
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  return compileLifecycle(config);
}

const WIN_BACK = journeyFromYaml(`
id: win-back
name: Win-back
status: active
trigger: { stage: { to: [at_risk] } }
steps:
  - { id: offer, type: send, channel: email, template: offer }
`);

/** Runs events and due timers in time order through the engine with the lifecycle on. */
async function timeline(
  events: { at: number; type: string; properties?: Record<string, number | string> }[],
  until: number,
) {
  const lifecycle = await defaultModel();
  const catalog = new JourneyCatalog([WIN_BACK]);
  let state: CustomerState = newCustomerState('u1');
  const effects: Effect[] = [];
  const timers: Timer[] = [];
  const run = (input: Parameters<typeof processInput>[1], now: number) => {
    const result = processInput(state, input, { now, catalog, defaultTimezone: 'UTC', lifecycle });
    state = result.state;
    effects.push(...result.effects);
    for (const e of result.effects) if (e.type === 'timer-scheduled') timers.push(e.timer);
  };
  const pending = [...events];
  for (;;) {
    timers.sort((a, b) => a.dueAt - b.dueAt);
    const timer = timers[0];
    const event = pending[0];
    const next = Math.min(timer?.dueAt ?? Number.POSITIVE_INFINITY, event?.at ?? Number.POSITIVE_INFINITY);
    if (next > until) break;
    if (event && event.at === next) {
      pending.shift();
      run(
        { kind: 'event', event: customerEvent(event.type, 'u1', event.at, event.properties ?? {}) },
        event.at,
      );
    } else if (timer) {
      timers.shift();
      run({ kind: 'timer', timer }, timer.dueAt);
    }
  }
  return { effects, state };
}

describe('lifecycle configuration', () => {
  it('loads journeys/lifecycle.yaml', async () => {
    const model = await defaultModel();

    expect(model.stages.map((s) => s.rule.stage)).toEqual(['new', 'vip', 'lapsed', 'at_risk', 'active']);
  });

  it('reports problems with file:line:column', () => {
    const text =
      'purchases:\n  orders:\n    pattern: { detail-type: [X] }\n    revenue: detail.properties.revenue\nrfm:\n  recencyDays: [14, 30, 90]\n  frequencyOrders: [2, 3, 5, 8]\n  monetaryRevenue: [50, 150, 400, 1000]\nstages:\n  - stage: gold\n    why: x\n    when: { orders: [{ numeric: [">"] }] }\n';

    const { problems } = loadLifecycleConfig('lifecycle.yaml', text);

    expect(problems.map(formatProblem)).toEqual([
      'lifecycle.yaml:6:16 rfm.recencyDays: expected 4 thresholds for scores 2 to 5 (days since the last order: at most the 1st gives 5, at most the 4th gives 2, more gives 1)',
      'lifecycle.yaml:10:12 stages[0].stage: expected one of new, active, at_risk, vip, lapsed, got "gold"',
    ]);
  });
});

describe('stages over time', () => {
  it('classifies a first order as new, then active after 30 days, then at_risk on day 60 with no further event', async () => {
    const { effects } = await timeline(
      [{ at: T0, type: 'Order Completed', properties: { revenue: 30 } }],
      T0 + 100 * DAY,
    );

    const changes = effects.flatMap((e) => (e.type === 'stage-changed' ? [[e.at - T0, e.from, e.to]] : []));
    expect(changes).toEqual([
      [0, null, 'new'],
      [30 * DAY, 'new', 'active'],
      [60 * DAY, 'active', 'at_risk'],
    ]);
  });

  it('enters the stage-triggered journey at the boundary', async () => {
    const { effects } = await timeline(
      [{ at: T0, type: 'Order Completed', properties: { revenue: 30 } }],
      T0 + 100 * DAY,
    );

    const sends = effects.flatMap((e) => (e.type === 'send' ? [[e.at - T0, e.intent.journeyId]] : []));
    expect(sends).toEqual([[60 * DAY, 'win-back']]);
  });

  it('schedules each boundary as a lifecycle timer, which belongs to no enrollment', async () => {
    const { effects } = await timeline(
      [{ at: T0, type: 'Order Completed', properties: { revenue: 30 } }],
      T0 + DAY,
    );

    const timers = effects.flatMap((e) => (e.type === 'timer-scheduled' ? [e.timer] : []));
    expect(timers).toStrictEqual([
      { id: `lifecycle:u1:${T0 + 30 * DAY}`, userId: 'u1', dueAt: T0 + 30 * DAY, kind: 'lifecycle' },
    ]);
  });

  it('moves the boundary when the customer buys again', async () => {
    const { effects } = await timeline(
      [
        { at: T0, type: 'Order Completed', properties: { revenue: 30 } },
        { at: T0 + 40 * DAY, type: 'Order Completed', properties: { revenue: 30 } },
      ],
      T0 + 150 * DAY,
    );

    const atRisk = effects.find((e) => e.type === 'stage-changed' && e.to === 'at_risk');
    expect(atRisk && atRisk.at - T0).toBe(100 * DAY);
  });

  it('classifies a big spender as vip once past onboarding', async () => {
    const { state } = await timeline(
      [
        { at: T0, type: 'Order Completed', properties: { revenue: 900 } },
        { at: T0 + DAY, type: 'Order Completed', properties: { revenue: 200 } },
      ],
      T0 + 2 * DAY,
    );

    expect(state.profile.stage).toBe('vip');
  });

  it('finds the next boundary without scanning, to the minute', async () => {
    const model = await defaultModel();
    const { state } = await timeline(
      [{ at: T0, type: 'Order Completed', properties: { revenue: 30 } }],
      T0 + 31 * DAY,
    );

    expect(evaluateStage(model, 'u1', state.profile, T0 + 31 * DAY).stage).toBe('active');
    expect(nextStageBoundary(model, 'u1', state.profile, T0 + 31 * DAY)).toBe(T0 + 60 * DAY);
  });

  it('derives the documented fields in the profile view', async () => {
    const model = await defaultModel();
    const { state } = await timeline(
      [
        { at: T0, type: 'Order Completed', properties: { revenue: 30 } },
        { at: T0 + 10 * DAY, type: 'Order Completed', properties: { revenue: 70 } },
        { at: T0 + 12 * DAY, type: 'Order Refunded', properties: { revenue: 20 } },
      ],
      T0 + 20 * DAY,
    );

    const view = lifecycleView('u1', state.profile, model, T0 + 20 * DAY);

    expect(view).toMatchObject({
      daysSinceFirstOrder: 20,
      daysSinceLastOrder: 10,
      orders: 2,
      revenue: 80,
      refunds: 1,
      averageOrderValue: 40,
      repeatDays: 1,
      orders30d: 2,
      revenue30d: 80,
      // 10 days since the last order is within the first recency threshold (14 days): r = 5.
      rfm: { r: 5, f: 2, m: 2, score: '522' },
    });
    expect(view.pAlive).toEqual(expect.any(Number));
    expect(view.expectedPurchases90d).toEqual(expect.any(Number));
  });
});
