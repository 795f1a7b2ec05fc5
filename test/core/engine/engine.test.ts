import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { type EngineInput, processInput } from '../../../functions/core/engine/engine.ts';
import { PAUSED_RETRY_MS } from '../../../functions/core/engine/held-timer.ts';
import { type CustomerState, newCustomerState, type Timer } from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import { customerEvent, DAY, HOUR, journeyFromYaml, MINUTE } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

const WELCOME = `
id: welcome
name: Welcome
status: active
trigger: { event: { detail-type: [Signed Up] } }
exit:
  - name: ordered
    pattern: { detail-type: [Order Completed] }
steps:
  - { id: hello, type: send, channel: email, template: welcome, next: pause }
  - { id: pause, type: wait, duration: P1D, next: nudge }
  - { id: nudge, type: send, channel: [push, email], template: nudge }
`;

const CART = `
id: cart
name: Cart
status: active
trigger: { event: { detail-type: [Product Added] } }
entry: { reentry: never, dedupeBy: detail.properties.cartId }
goal:
  pattern: { detail-type: [Order Completed] }
  correlate: [detail.properties.cartId]
  within: P7D
steps:
  - id: wait-for-order
    type: wait
    event:
      pattern: { detail-type: [Order Completed] }
      correlate: [detail.properties.cartId]
    timeout: PT30M
    next: ordered
    onTimeout: remind
  - { id: remind, type: send, channel: [push, sms, email], template: cart }
  - { id: ordered, type: exit, reason: ordered }
`;

/** A wait for an event, with a branch for the event and one for the timeout. */
const PROFILE_WAIT = `
id: profile
name: Profile
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - id: wait-profile
    type: wait
    event: { pattern: { detail-type: [Profile Completed] } }
    timeout: P2D
    next: thanks
    onTimeout: nudge
  - { id: thanks, type: send, channel: email, template: thanks }
  - { id: nudge, type: send, channel: email, template: nudge }
`;

/** Runs inputs in order through the engine, each at its own time, and collects every effect. */
class Harness {
  state: CustomerState;
  effects: Effect[] = [];
  constructor(
    public catalog: JourneyCatalog,
    userId = 'u1',
  ) {
    this.state = newCustomerState(userId);
  }
  run(input: EngineInput, now: number): Effect[] {
    const result = processInput(this.state, input, { now, catalog: this.catalog, defaultTimezone: 'UTC' });
    this.state = result.state;
    this.effects.push(...result.effects);
    return result.effects;
  }
  event(event: CustomerEvent): Effect[] {
    return this.run({ kind: 'event', event }, Date.parse(event.time));
  }
  timer(timer: Timer): Effect[] {
    return this.run({ kind: 'timer', timer }, timer.dueAt);
  }
  lastTimer(): Timer {
    const scheduled = this.effects
      .filter((e) => e.type === 'timer-scheduled' || e.type === 'timer-deferred')
      .at(-1);
    if (!scheduled || (scheduled.type !== 'timer-scheduled' && scheduled.type !== 'timer-deferred'))
      throw new Error('no timer scheduled');
    return scheduled.timer;
  }
}

const of = <T extends Effect['type']>(effects: Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

describe('processInput: entering and stepping', () => {
  it('enrolls on the trigger, sends the first message and schedules the wait', () => {
    // Prepare
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));

    // Act
    const effects = h.event(customerEvent('Signed Up', 'u1', T0));

    // Assess
    expect(of(effects, 'enrolled')).toHaveLength(1);
    expect(of(effects, 'send').map((e) => e.intent)).toMatchObject([
      { stepId: 'hello', channels: ['email'], template: 'welcome', category: 'marketing' },
    ]);
    expect(of(effects, 'timer-scheduled').map((e) => e.timer)).toMatchObject([
      { stepId: 'pause', dueAt: T0 + DAY, kind: 'duration' },
    ]);
  });

  it('continues when the wait is due and completes after the last step', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));

    const effects = h.timer(h.lastTimer());

    expect(of(effects, 'send').map((e) => [e.intent.stepId, e.intent.channels])).toEqual([
      ['nudge', ['push', 'email']],
    ]);
    expect(of(effects, 'exited').map((e) => e.reason)).toEqual(['completed']);
    expect(h.state.enrollments).toEqual([]);
  });

  it("records an exit step's reason in the exit reason, and plain exit-step without one", () => {
    // Prepare
    const journey = journeyFromYaml(`
id: gate
name: Gate
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - id: check
    type: branch
    branches: [{ when: { profile: { traits: { vip: ['yes'] } } }, next: done }]
    default: leave
  - { id: leave, type: exit, reason: not-a-vip }
  - { id: done, type: exit }
`);
    const h = new Harness(new JourneyCatalog([journey]));

    // Act
    const effects = h.event(customerEvent('Signed Up', 'u1', T0));
    const vip = new Harness(new JourneyCatalog([journey]), 'u2');
    const vipEffects = vip.event(customerEvent('Signed Up', 'u2', T0, {}, { traits: { vip: 'yes' } }));

    // Assess
    expect(of(effects, 'exited').map((e) => e.reason)).toEqual(['exit-step:not-a-vip']);
    expect(of(vipEffects, 'exited').map((e) => e.reason)).toEqual(['exit-step']);
  });

  it('ignores a timer whose wait was already resolved', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    const timer = h.lastTimer();
    h.event(customerEvent('Order Completed', 'u1', T0 + HOUR));

    const effects = h.timer(timer);

    expect(effects).toMatchObject([{ type: 'ignored', reason: 'unknown-enrollment' }]);
    expect(of(h.effects, 'send')).toHaveLength(1);
  });

  it('ends the enrollment on an exit criterion while waiting, and cancels the timer', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));

    const effects = h.event(customerEvent('Order Completed', 'u1', T0 + HOUR));

    expect(of(effects, 'exited').map((e) => [e.stepId, e.reason])).toEqual([
      ['pause', 'exit-criteria:ordered'],
    ]);
    expect(of(effects, 'timer-cancelled').map((e) => e.reason)).toEqual(['enrollment-ended']);
  });

  it('lets a customer enter only once by default', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.timer(h.lastTimer());

    const effects = h.event(customerEvent('Signed Up', 'u1', T0 + 5 * DAY));

    expect(of(effects, 'not-enrolled').map((e) => e.reason)).toEqual(['entry-once']);
  });

  it('changes nothing on a re-delivered event, by EventBridge id or by eventId', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0, {}, { id: 'eb-1', eventId: 'signup-u1' }));
    const before = h.state;

    const sameId = h.event(customerEvent('Signed Up', 'u1', T0, {}, { id: 'eb-1', eventId: 'signup-u1' }));
    const sameEventId = h.event(
      customerEvent('Signed Up', 'u1', T0 + MINUTE, {}, { id: 'eb-2', eventId: 'signup-u1' }),
    );

    expect(sameId).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
    expect(sameEventId).toMatchObject([{ type: 'ignored', reason: 'duplicate-input' }]);
    expect(h.state).toBe(before);
  });

  it('does not change the state it was given', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    const snapshot = structuredClone(h.state);
    const state = h.state;

    processInput(
      state,
      { kind: 'timer', timer: h.lastTimer() },
      { now: T0 + DAY, catalog: h.catalog, defaultTimezone: 'UTC' },
    );

    expect(state).toEqual(snapshot);
  });
});

describe('processInput: cart abandonment, correlation and goals', () => {
  const catalog = () => new JourneyCatalog([journeyFromYaml(CART)]);

  it('sends nothing when the same cart is ordered within 30 minutes', () => {
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));
    const timeout = h.lastTimer();

    h.event(customerEvent('Order Completed', 'u1', T0 + 10 * MINUTE, { cartId: 'c1' }));
    h.timer(timeout);

    expect(of(h.effects, 'send')).toEqual([]);
    expect(of(h.effects, 'goal-reached')).toHaveLength(1);
  });

  it("carries the goal order's revenue and currency on goal-reached, for revenue per customer", () => {
    // Prepare
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));

    // Act
    const effects = h.event(
      customerEvent('Order Completed', 'u1', T0 + 10 * MINUTE, {
        cartId: 'c1',
        revenue: 42.5,
        currency: 'EUR',
      }),
    );

    // Assess
    expect(of(effects, 'goal-reached').map((e) => [e.revenue, e.currency])).toEqual([[42.5, 'EUR']]);
  });

  it('writes goal-reached and exited effects with their fields in one order, revenue last', () => {
    // Prepare: the order is part of what a simulation writes out (cairn simulate --out).
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));

    // Act
    const effects = h.event(
      customerEvent('Order Completed', 'u1', T0 + 10 * MINUTE, { cartId: 'c1', revenue: 7 }),
    );

    // Assess
    const keys = (type: Effect['type']) => effects.filter((e) => e.type === type).map((e) => Object.keys(e));
    const ofEnrollment = ['at', 'userId', 'journeyId', 'version', 'enrollmentId', 'type'];
    expect(keys('goal-reached')).toEqual([[...ofEnrollment, 'eventId', 'holdout', 'variant', 'revenue']]);
    expect(keys('exited')).toEqual([[...ofEnrollment, 'stepId', 'reason']]);
  });

  it('ignores an order of another cart while waiting', () => {
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));

    const effects = h.event(customerEvent('Order Completed', 'u1', T0 + 10 * MINUTE, { cartId: 'other' }));

    expect(of(effects, 'goal-reached')).toEqual([]);
    expect(h.state.enrollments.map((e) => e.wait?.stepId)).toEqual(['wait-for-order']);
  });

  it('reminds after 30 minutes, then counts an order after 40 minutes as the goal', () => {
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));

    h.timer(h.lastTimer());
    h.event(customerEvent('Order Completed', 'u1', T0 + 40 * MINUTE, { cartId: 'c1' }));

    const sends = of(h.effects, 'send');
    const goals = of(h.effects, 'goal-reached');
    expect(sends.map((s) => [s.intent.stepId, s.at])).toEqual([['remind', T0 + 30 * MINUTE]]);
    expect(goals.map((g) => g.at)).toEqual([T0 + 40 * MINUTE]);
  });

  it('enrolls two carts separately and the same cart only once', () => {
    const h = new Harness(catalog());

    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));
    h.event(customerEvent('Product Added', 'u1', T0 + MINUTE, { cartId: 'c2' }));
    h.event(customerEvent('Product Added', 'u1', T0 + 2 * MINUTE, { cartId: 'c1' }));

    expect(of(h.effects, 'enrolled').map((e) => e.key)).toEqual(['c1', 'c2']);
    expect(of(h.effects, 'not-enrolled').map((e) => e.reason)).toEqual(['already-enrolled']);
  });

  it('refuses an event without the dedupe value, with a reason', () => {
    const h = new Harness(catalog());

    const effects = h.event(customerEvent('Product Added', 'u1', T0));

    expect(of(effects, 'not-enrolled').map((e) => e.reason)).toEqual(['missing-dedupe-key']);
  });

  it('stops watching the goal when its window closes', () => {
    const h = new Harness(catalog());
    h.event(customerEvent('Product Added', 'u1', T0, { cartId: 'c1' }));
    h.timer(h.lastTimer());

    const effects = h.event(customerEvent('Order Completed', 'u1', T0 + 8 * DAY, { cartId: 'c1' }));

    expect(of(effects, 'goal-reached')).toEqual([]);
    expect(h.state.enrollments).toEqual([]);
  });
});

describe('processInput: entry rules and audience', () => {
  it('lets a customer re-enter after the re-entry interval, not before', () => {
    const journey = journeyFromYaml(WELCOME.replace('trigger:', 'entry: { reentry: P7D }\ntrigger:'));
    const h = new Harness(new JourneyCatalog([journey]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.timer(h.lastTimer());

    const early = h.event(customerEvent('Signed Up', 'u1', T0 + 6 * DAY));
    const late = h.event(customerEvent('Signed Up', 'u1', T0 + 7 * DAY));

    expect(of(early, 'not-enrolled').map((e) => e.reason)).toEqual(['entry-interval']);
    expect(of(late, 'enrolled')).toHaveLength(1);
  });

  it('caps the number of entries with maxEntries', () => {
    const journey = journeyFromYaml(
      WELCOME.replace('trigger:', 'entry: { reentry: always, maxEntries: 2 }\ntrigger:'),
    );
    const h = new Harness(new JourneyCatalog([journey]));
    for (let i = 0; i < 3; i++) {
      h.event(customerEvent('Signed Up', 'u1', T0 + i * 2 * DAY));
      h.timer(h.lastTimer());
    }

    expect(of(h.effects, 'enrolled')).toHaveLength(2);
    expect(of(h.effects, 'not-enrolled').map((e) => e.reason)).toEqual(['entry-max']);
  });

  it('keeps out customers outside the audience', () => {
    const journey = journeyFromYaml(
      WELCOME.replace('trigger:', 'audience: { profile: { traits: { plan: [pro] } } }\ntrigger:'),
    );
    const h = new Harness(new JourneyCatalog([journey]));

    const free = h.event(customerEvent('Signed Up', 'u1', T0, {}, { traits: { plan: 'free' } }));

    expect(of(free, 'not-enrolled').map((e) => e.reason)).toEqual(['audience']);
  });

  it('lets in customers in the audience, by their traits', () => {
    const journey = journeyFromYaml(
      WELCOME.replace('trigger:', 'audience: { profile: { traits: { plan: [pro] } } }\ntrigger:'),
    );
    const h = new Harness(new JourneyCatalog([journey]));

    const pro = h.event(customerEvent('Signed Up', 'u1', T0, {}, { traits: { plan: 'pro' } }));

    expect(of(pro, 'enrolled')).toHaveLength(1);
  });

  it('enters a stage-triggered journey on the lifecycle stage-change event', () => {
    const journey = journeyFromYaml(`
id: vip
name: VIP
status: active
category: transactional
trigger: { stage: { to: [vip] } }
steps:
  - { id: thanks, type: send, channel: email, template: vip }
`);
    const h = new Harness(new JourneyCatalog([journey]));

    const toActive = h.event(
      customerEvent(
        'Lifecycle Stage Changed',
        'u1',
        T0,
        { from: 'new', to: 'active' },
        { source: 'cairn.lifecycle' },
      ),
    );
    const toVip = h.event(
      customerEvent(
        'Lifecycle Stage Changed',
        'u1',
        T0 + DAY,
        { from: 'active', to: 'vip' },
        { source: 'cairn.lifecycle' },
      ),
    );

    expect(of(toActive, 'enrolled')).toEqual([]);
    expect(of(toVip, 'send').map((e) => e.intent.category)).toEqual(['transactional']);
    expect(h.state.profile.stage).toBe('vip');
  });
});

describe('processInput: journey status and versions', () => {
  it('does not enroll into a paused journey and holds its waits', () => {
    const active = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([active]);
    const h = new Harness(catalog);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const timer = h.lastTimer();
    catalog.add({ ...active, status: 'paused' });

    const held = h.timer(timer);
    const refused = h.run({ kind: 'event', event: customerEvent('Signed Up', 'u2', T0 + DAY) }, T0 + DAY);

    expect(of(held, 'timer-deferred').map((e) => e.timer.dueAt)).toEqual([T0 + DAY + PAUSED_RETRY_MS]);
    expect(of(held, 'send')).toEqual([]);
    expect(of(refused, 'not-enrolled').map((e) => e.reason)).toEqual(['journey-paused']);
  });

  it('keeps a held timer id bounded through a long pause', () => {
    // Prepare
    const active = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([active]);
    const h = new Harness(catalog);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const original = h.lastTimer().id;
    catalog.add({ ...active, status: 'paused' });

    // Act: three days paused, held every 15 minutes
    for (let hold = 0; hold < (3 * DAY) / PAUSED_RETRY_MS; hold++) h.timer(h.lastTimer());

    // Assess
    const held = h.lastTimer();
    expect(held.id).toBe(`${original}~${held.dueAt - PAUSED_RETRY_MS}`);
    expect(held.id.length).toBeLessThan(original.length + 20);
  });

  it('resumes a held wait once the journey is active again', () => {
    const active = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([active]);
    const h = new Harness(catalog);
    h.event(customerEvent('Signed Up', 'u1', T0));
    catalog.add({ ...active, status: 'paused' });
    h.timer(h.lastTimer());
    catalog.add(active);

    const effects = h.timer(h.lastTimer());

    expect(of(effects, 'send').map((e) => e.intent.stepId)).toEqual(['nudge']);
  });

  it('remembers an event a wait expects while the journey is paused, and takes its branch once resumed', () => {
    // Prepare
    const active = journeyFromYaml(PROFILE_WAIT);
    const catalog = new JourneyCatalog([active]);
    const h = new Harness(catalog);
    h.event(customerEvent('Signed Up', 'u1', T0));
    catalog.add({ ...active, status: 'paused' });

    // Act
    const arrived = h.event(customerEvent('Profile Completed', 'u1', T0 + 10 * MINUTE));
    const stillPaused = h.timer(h.lastTimer());
    catalog.add(active);
    const resumed = h.timer(h.lastTimer());

    // Assess
    expect(of(arrived, 'timer-cancelled').map((e) => e.reason)).toEqual(['event-arrived']);
    expect(of(arrived, 'timer-deferred').map((e) => [e.reason, e.timer.dueAt])).toEqual([
      ['journey-paused', T0 + 10 * MINUTE + PAUSED_RETRY_MS],
    ]);
    expect(of(arrived, 'send')).toEqual([]);
    expect(of(stillPaused, 'timer-deferred')).toHaveLength(1);
    expect(of(stillPaused, 'send')).toEqual([]);
    expect(of(resumed, 'send').map((e) => e.intent.stepId)).toEqual(['thanks']);
  });

  it('ends in-flight enrollments of an archived journey with a reason', () => {
    const active = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([active]);
    const h = new Harness(catalog);
    h.event(customerEvent('Signed Up', 'u1', T0));
    catalog.add({ ...active, status: 'archived' });

    const effects = h.timer(h.lastTimer());

    expect(of(effects, 'exited').map((e) => e.reason)).toEqual(['journey-archived']);
    expect(of(effects, 'send')).toEqual([]);
  });

  it('keeps in-flight customers on the version they entered, and new entries on the edited one', () => {
    const v1 = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([v1]);
    const first = new Harness(catalog, 'u1');
    first.event(customerEvent('Signed Up', 'u1', T0));
    const v2 = journeyFromYaml(WELCOME.replace('template: nudge', 'template: nudge-v2'));
    catalog.add(v2);

    const old = first.timer(first.lastTimer());
    const second = new Harness(catalog, 'u2');
    second.event(customerEvent('Signed Up', 'u2', T0 + HOUR));
    const edited = second.timer(second.lastTimer());

    const version = (effects: Effect[]) =>
      of(effects, 'send').map((e) => [e.intent.template, e.intent.journeyVersion]);
    expect(version(old)).toEqual([
      ['nudge', catalog.version(of(first.effects, 'enrolled')[0]?.version ?? '')?.version],
    ]);
    expect(version(edited)[0]?.[0]).toBe('nudge-v2');
    expect(version(edited)[0]?.[1]).not.toBe(version(old)[0]?.[1]);
  });

  it('gives a journey the same version whatever its status', () => {
    const journey = journeyFromYaml(WELCOME);
    const catalog = new JourneyCatalog([journey]);

    const paused = catalog.add({ ...journey, status: 'paused' });

    expect(paused.version).toBe(catalog.version(paused.version)?.version);
    expect(new JourneyCatalog([journey]).latestOf('welcome')?.version).toBe(paused.version);
  });

  it('ends an enrollment whose version is no longer available', () => {
    const h = new Harness(new JourneyCatalog([journeyFromYaml(WELCOME)]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.catalog = new JourneyCatalog([journeyFromYaml(WELCOME.replace('template: nudge', 'template: other'))]);

    const effects = h.timer(h.lastTimer());

    expect(of(effects, 'exited').map((e) => e.reason)).toEqual(['version-unavailable']);
  });
});

describe('processInput: steps', () => {
  it("waits until a local time of day in the customer's timezone", () => {
    const journey = journeyFromYaml(`
id: morning
name: Morning
status: active
trigger: { event: { detail-type: [Order Completed] } }
steps:
  - { id: at-nine, type: wait, until: { time: "09:00" }, next: hello }
  - { id: hello, type: send, channel: email, template: hi }
`);
    const h = new Harness(new JourneyCatalog([journey]));

    // 10:00Z is 19:00 in Tokyo (UTC+9, no DST): the next 09:00 there is 00:00Z the next day.
    const effects = h.event(
      customerEvent('Order Completed', 'u1', T0, {}, { traits: { timezone: 'Asia/Tokyo' } }),
    );

    expect(of(effects, 'timer-scheduled').map((e) => new Date(e.timer.dueAt).toISOString())).toEqual([
      '2026-11-03T00:00:00.000Z',
    ]);
  });

  it('takes the first branch whose condition holds, else the default', () => {
    const journey = journeyFromYaml(`
id: branchy
name: Branchy
status: active
trigger: { event: { detail-type: [Order Completed] } }
steps:
  - id: by-value
    type: branch
    branches:
      - { name: big, when: { trigger: { detail: { properties: { revenue: [{ numeric: [">=", 100] }] } } } }, next: big }
      - { name: vip, when: { stages: [vip] }, next: vip }
    default: small
  - { id: big, type: send, channel: email, template: big }
  - { id: vip, type: send, channel: email, template: vip }
  - { id: small, type: send, channel: email, template: small }
`);
    const templates = (revenue: number) => {
      const h = new Harness(new JourneyCatalog([journey]));
      return of(h.event(customerEvent('Order Completed', 'u1', T0, { revenue })), 'send').map(
        (e) => e.intent.template,
      );
    };

    expect(templates(150)).toEqual(['big']);
    expect(templates(20)).toEqual(['small']);
  });

  it('withholds sends from the holdout group but still tracks its goal', () => {
    const journey = journeyFromYaml(`
id: all-held
name: Everyone held out but one in a million
status: active
trigger: { event: { detail-type: [Signed Up] } }
goal: { pattern: { detail-type: [Order Completed] }, within: P14D }
steps:
  - { id: control, type: holdout, percent: 99.9999, next: offer }
  - { id: offer, type: send, channel: email, template: offer }
`);
    const h = new Harness(new JourneyCatalog([journey]));
    h.event(customerEvent('Signed Up', 'u1', T0));

    const effects = h.event(customerEvent('Order Completed', 'u1', T0 + DAY));

    expect(of(h.effects, 'send')).toEqual([]);
    expect(of(h.effects, 'send-withheld').map((e) => e.reason)).toEqual(['holdout']);
    expect(of(effects, 'goal-reached').map((e) => e.holdout)).toEqual([true]);
  });

  it('applies the journey limits: per day withholds, total exits', () => {
    const journey = journeyFromYaml(`
id: chatty
name: Chatty
status: active
trigger: { event: { detail-type: [Signed Up] } }
limits: { perDay: 1, total: 2 }
steps:
  - { id: one, type: send, channel: email, template: one, next: two }
  - { id: two, type: send, channel: email, template: two, next: later }
  - { id: later, type: wait, duration: P1D, next: three }
  - { id: three, type: send, channel: email, template: three, next: four }
  - { id: four, type: send, channel: email, template: four }
`);
    const h = new Harness(new JourneyCatalog([journey]));
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.timer(h.lastTimer());

    expect(of(h.effects, 'send').map((e) => e.intent.template)).toEqual(['one', 'three']);
    expect(of(h.effects, 'send-withheld').map((e) => [e.template, e.reason])).toEqual([
      ['two', 'journey-daily-limit'],
      ['four', 'journey-total-limit'],
    ]);
    expect(of(h.effects, 'exited').map((e) => e.reason)).toEqual(['journey-limit']);
  });

  it('updates the profile and emits events', () => {
    const journey = journeyFromYaml(`
id: tagger
name: Tagger
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: tag, type: update-profile, set: { welcomed: true }, unset: [trial], next: tell }
  - { id: tell, type: emit-event, detailType: Welcomed, properties: { via: journey } }
`);
    const h = new Harness(new JourneyCatalog([journey]));

    const effects = h.event(customerEvent('Signed Up', 'u1', T0, {}, { traits: { trial: 'yes' } }));

    expect(h.state.profile.traits).toEqual({ welcomed: true });
    expect(of(effects, 'event-emitted').map((e) => [e.detailType, e.properties])).toEqual([
      ['Welcomed', { via: 'journey' }],
    ]);
  });

  it('goes on to a step whose id is "stop" like to any other', () => {
    // Prepare: "stop" is a valid step id, and once also what a step returned to say it stopped
    const journey = journeyFromYaml(`
id: stopper
name: Stopper
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: hello, type: send, channel: email, template: welcome, next: stop }
  - { id: stop, type: send, channel: email, template: bye }
`);
    const h = new Harness(new JourneyCatalog([journey]));

    // Act
    const effects = h.event(customerEvent('Signed Up', 'u1', T0));

    // Assess
    expect(of(effects, 'send').map((e) => e.intent.stepId)).toEqual(['hello', 'stop']);
    expect(of(effects, 'exited').map((e) => [e.stepId, e.reason])).toEqual([['stop', 'completed']]);
    expect(h.state.enrollments).toEqual([]);
  });
});
