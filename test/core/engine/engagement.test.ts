import { describe, expect, it } from 'vitest';
import { JourneyCatalog } from '../../../functions/core/engine/catalog.ts';
import type { Effect } from '../../../functions/core/engine/effects.ts';
import { type EngineInput, processInput } from '../../../functions/core/engine/engine.ts';
import {
  type CustomerState,
  newCustomerState,
  type SendIntent,
  type Timer,
} from '../../../functions/core/engine/state.ts';
import type { CustomerEvent } from '../../../functions/core/events/index.ts';
import type { Journey } from '../../../functions/core/journeys/schema.ts';
import { customerEvent, DAY, HOUR, journeyFromYaml } from '../../support/journeys.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** A welcome email, a day, then a branch on what the customer did with it. */
const OPENED_OR_NOT = `
id: opened-or-not
name: Opened or not
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: welcome-1, type: send, channel: email, template: welcome, next: pause }
  - { id: pause, type: wait, duration: P1D, next: check }
  - id: check
    type: branch
    branches:
      - { name: clicked, when: { engagement: { step: welcome-1, is: clicked } }, next: clicked }
      - { name: opened, when: { engagement: { step: welcome-1, is: opened } }, next: opened }
      - { name: bounced, when: { engagement: { step: welcome-1, is: bounced } }, next: bounced }
    default: not-opened
  - { id: clicked, type: emit-event, detailType: Took Clicked }
  - { id: opened, type: emit-event, detailType: Took Opened }
  - { id: bounced, type: emit-event, detailType: Took Bounced }
  - { id: not-opened, type: send, channel: email, template: welcome-again }
`;

/** A welcome email, then a wait of up to two days for it to be opened. */
const WAIT_FOR_OPEN = `
id: wait-open
name: Wait for the open
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: welcome-1, type: send, channel: email, template: welcome, next: wait-open }
  - id: wait-open
    type: wait
    engagement: { step: welcome-1, is: opened }
    timeout: P2D
    next: thanks
    onTimeout: resend
  - { id: thanks, type: emit-event, detailType: Welcome Opened }
  - { id: resend, type: send, channel: email, template: welcome-again }
`;

/** A weekly reminder, sent again each week until it is clicked. */
const LOOP = `
id: weekly
name: Weekly until clicked
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: remind, type: send, channel: email, template: remind, next: wait-click }
  - id: wait-click
    type: wait
    engagement: { step: remind, is: clicked }
    timeout: P7D
    next: done
    onTimeout: remind
  - { id: done, type: emit-event, detailType: Reminder Clicked }
`;

/** Runs inputs in order through the engine, each at its own time, and collects every effect. */
class Harness {
  state: CustomerState;
  effects: Effect[] = [];
  readonly journey: Journey;
  readonly catalog: JourneyCatalog;
  constructor(yaml: string) {
    this.journey = journeyFromYaml(yaml);
    this.catalog = new JourneyCatalog([this.journey]);
    this.state = newCustomerState('u1');
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
    const timer = of(this.effects, 'timer-scheduled').at(-1)?.timer;
    if (!timer) throw new Error('no timer scheduled');
    return timer;
  }
  sends(): SendIntent[] {
    return of(this.effects, 'send').map((e) => e.intent);
  }
  lastSend(): SendIntent {
    const intent = this.sends().at(-1);
    if (!intent) throw new Error('nothing sent');
    return intent;
  }
}

const of = <T extends Effect['type']>(effects: Effect[], type: T) =>
  effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

/** The customer event feedback publishes about a message (runtime/feedback.ts), as ingest receives it. */
function feedback(name: string, intent: SendIntent, at: number, providerId = 'ses-1'): CustomerEvent {
  const { journeyId, stepId, messageId } = intent;
  return customerEvent(
    name,
    intent.userId,
    at,
    { journeyId, stepId, messageId },
    { source: 'cairn.feedback', id: `${providerId}:${name}` },
  );
}

const emitted = (effects: Effect[]) => of(effects, 'event-emitted').map((e) => e.detailType);

describe('engagement conditions in a branch', () => {
  it('takes the opened branch when the step’s message was opened before the branch ran', () => {
    // Prepare
    const h = new Harness(OPENED_OR_NOT);
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.event(feedback('Email Delivered', h.lastSend(), T0 + HOUR));
    h.event(feedback('Email Opened', h.lastSend(), T0 + 2 * HOUR));

    // Act
    const effects = h.timer(h.lastTimer());

    // Assess
    expect(emitted(effects)).toEqual(['Took Opened']);
    expect(of(effects, 'send')).toEqual([]);
  });

  it('takes the default (a second email) when nothing was opened', () => {
    // Prepare
    const h = new Harness(OPENED_OR_NOT);
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.event(feedback('Email Delivered', h.lastSend(), T0 + HOUR));

    // Act
    const effects = h.timer(h.lastTimer());

    // Assess
    expect(emitted(effects)).toEqual([]);
    expect(of(effects, 'send').map((e) => e.intent.stepId)).toEqual(['not-opened']);
  });

  it('counts a click as an open, and tells a click and a bounce apart', () => {
    // Prepare
    const clicked = new Harness(OPENED_OR_NOT);
    clicked.event(customerEvent('Signed Up', 'u1', T0));
    clicked.event(feedback('Email Link Clicked', clicked.lastSend(), T0 + HOUR));
    const bounced = new Harness(OPENED_OR_NOT);
    bounced.event(customerEvent('Signed Up', 'u1', T0));
    bounced.event(feedback('Email Bounced', bounced.lastSend(), T0 + HOUR));

    // Act
    const afterClick = clicked.timer(clicked.lastTimer());
    const afterBounce = bounced.timer(bounced.lastTimer());

    // Assess
    expect(emitted(afterClick)).toEqual(['Took Clicked']);
    expect(emitted(afterBounce)).toEqual(['Took Bounced']);
  });

  it('ignores feedback about a message of another journey or another customer’s enrollment', () => {
    // Prepare
    const h = new Harness(OPENED_OR_NOT);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const mine = h.lastSend();
    h.event(feedback('Email Opened', { ...mine, journeyId: 'other' }, T0 + HOUR, 'ses-a'));
    h.event(feedback('Email Opened', { ...mine, messageId: `x${mine.messageId}` }, T0 + HOUR, 'ses-b'));

    // Act
    const effects = h.timer(h.lastTimer());

    // Assess
    expect(of(effects, 'send').map((e) => e.intent.stepId)).toEqual(['not-opened']);
  });

  it('does not change the state it was given when it records engagement', () => {
    // Prepare
    const h = new Harness(OPENED_OR_NOT);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const before = structuredClone(h.state);
    const given = h.state;

    // Act
    h.event(feedback('Email Opened', h.lastSend(), T0 + HOUR));

    // Assess
    expect(given).toEqual(before);
    expect(h.state.enrollments[0]?.engagement).toEqual({ 'welcome-1': { v: 1, o: true } });
  });
});

describe('waits for engagement', () => {
  it('ends the wait when the message is opened, cancels its timer and takes next', () => {
    // Prepare
    const h = new Harness(WAIT_FOR_OPEN);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const timer = h.lastTimer();

    // Act
    const effects = h.event(feedback('Email Opened', h.lastSend(), T0 + 5 * HOUR));

    // Assess
    expect(timer).toMatchObject({ kind: 'engagement', dueAt: T0 + 2 * DAY });
    expect(of(effects, 'timer-cancelled')).toMatchObject([{ timerId: timer.id, reason: 'engagement-seen' }]);
    expect(emitted(effects)).toEqual(['Welcome Opened']);
    expect(h.timer(timer)).toMatchObject([{ type: 'ignored', reason: 'unknown-enrollment' }]);
  });

  it('takes onTimeout when the timeout passes first; a delivery alone does not end it', () => {
    // Prepare
    const h = new Harness(WAIT_FOR_OPEN);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const delivered = h.event(feedback('Email Delivered', h.lastSend(), T0 + HOUR));

    // Act
    const effects = h.timer(h.lastTimer());

    // Assess
    expect(of(delivered, 'timer-cancelled')).toEqual([]);
    expect(of(effects, 'send').map((e) => e.intent.stepId)).toEqual(['resend']);
  });

  it('goes on at once when the engagement was seen before the wait began', () => {
    // Prepare: the email is opened during the hour before the wait for its open begins.
    const h = new Harness(`
id: seen-first
name: Seen first
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: welcome-1, type: send, channel: email, template: welcome, next: pause }
  - { id: pause, type: wait, duration: PT1H, next: wait-open }
  - id: wait-open
    type: wait
    engagement: { step: welcome-1, is: opened }
    timeout: P2D
    next: thanks
  - { id: thanks, type: emit-event, detailType: Welcome Opened }
`);
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.event(feedback('Email Opened', h.lastSend(), T0 + 10 * 60_000));

    // Act
    const effects = h.timer(h.lastTimer());

    // Assess
    expect(of(effects, 'timer-scheduled')).toEqual([]);
    expect(emitted(effects)).toEqual(['Welcome Opened']);
  });

  it('in a loop, counts only the latest message of the step: a click on last week’s does not end this week’s wait', () => {
    // Prepare
    const h = new Harness(LOOP);
    h.event(customerEvent('Signed Up', 'u1', T0));
    const first = h.lastSend();
    h.timer(h.lastTimer());
    const second = h.lastSend();

    // Act
    const late = h.event(feedback('Email Link Clicked', first, T0 + 8 * DAY, 'ses-first'));
    const current = h.event(feedback('Email Link Clicked', second, T0 + 9 * DAY, 'ses-second'));

    // Assess
    expect(first.messageId).not.toEqual(second.messageId);
    expect(emitted(late)).toEqual([]);
    expect(emitted(current)).toEqual(['Reminder Clicked']);
  });

  it('remembers an open that ends the wait while the journey is paused, and takes next once resumed', () => {
    // Prepare
    const h = new Harness(WAIT_FOR_OPEN);
    h.event(customerEvent('Signed Up', 'u1', T0));
    h.catalog.add({ ...h.journey, status: 'paused' });

    // Act
    const arrived = h.event(feedback('Email Opened', h.lastSend(), T0 + HOUR));
    const deferred = of(arrived, 'timer-deferred')[0]?.timer;
    h.catalog.add(h.journey);
    const resumed = deferred ? h.timer(deferred) : [];

    // Assess
    expect(of(arrived, 'timer-cancelled').map((e) => e.reason)).toEqual(['engagement-seen']);
    expect(deferred).toMatchObject({ kind: 'duration' });
    expect(emitted(arrived)).toEqual([]);
    expect(emitted(resumed)).toEqual(['Welcome Opened']);
  });

  it('leaves the feedback event to goals as any other event', () => {
    // Prepare
    const h = new Harness(
      `${WAIT_FOR_OPEN}goal: { pattern: { detail-type: [Email Link Clicked] }, within: P7D }\n`,
    );
    h.event(customerEvent('Signed Up', 'u1', T0));

    // Act
    const effects = h.event(feedback('Email Link Clicked', h.lastSend(), T0 + HOUR));

    // Assess
    expect(of(effects, 'goal-reached')).toHaveLength(1);
  });
});
