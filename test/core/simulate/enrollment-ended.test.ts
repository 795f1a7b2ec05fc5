import { describe, expect, it } from 'vitest';
import { customerEvent, HOUR, journeyFromYaml } from '../../support/journeys.ts';
import { simulationOf } from '../../support/simulation.ts';
import { policies } from '../policies/support.ts';

// A send is dropped as enrollment_ended only when it was held and its enrollment ended meanwhile; a send the
// input that ends the enrollment made itself goes out (docs/policies.md, "The send pipeline").

const sendThenExit = journeyFromYaml(`
id: hello-then-exit
name: Hello, then exit
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: hello, type: send, channel: email, template: hello, next: stop }
  - { id: stop, type: exit }
`);

const remindUnlessOrdered = journeyFromYaml(`
id: remind
name: Remind unless ordered
status: active
trigger: { event: { detail-type: [Product Added] } }
exit: [{ name: ordered, pattern: { detail-type: [Order Completed] } }]
steps:
  - { id: remind, type: send, channel: email, template: remind, next: wait }
  - { id: wait, type: wait, duration: P1D }
`);

const T0 = Date.parse('2026-11-02T10:00:00Z');
const ANA = { email: 'ana@example.com', timezone: 'UTC' };

const messages = (simulation: ReturnType<typeof simulationOf>) =>
  [...simulation.tally.messages.values()].map((m) => `${m.stepId} ${m.status} ${m.reason} ${m.at}`);

describe('enrollment_ended', () => {
  it('does not drop a send whose own input then ends the enrollment (send, then exit)', async () => {
    // Prepare
    const simulation = simulationOf({ journeys: [sendThenExit] });

    // Act
    await simulation.processEvent(customerEvent('Signed Up', 'ana', T0, {}, { traits: ANA }));
    await simulation.finish(T0 + HOUR);

    // Assess
    expect(messages(simulation)).toEqual(['hello SENT sent 2026-11-02T10:00:00.000Z']);
  });

  it('drops a send held by quiet hours when an exit ends its enrollment before the hold does', async () => {
    // Prepare: email quiet hours 09:00-12:00 UTC; the order comes during the hold.
    const quiet = policies({ quietHours: { email: { from: '09:00', to: '12:00' } } });
    const simulation = simulationOf({ journeys: [remindUnlessOrdered], policies: quiet });

    // Act
    await simulation.processEvent(customerEvent('Identify', 'ana', T0 - 2 * HOUR, {}, { traits: ANA }));
    await simulation.processEvent(customerEvent('Product Added', 'ana', T0));
    await simulation.processEvent(customerEvent('Order Completed', 'ana', T0 + HOUR));
    await simulation.finish(T0 + 3 * HOUR);

    // Assess
    expect(messages(simulation)).toEqual(['remind DROPPED enrollment_ended 2026-11-02T12:00:00.000Z']);
  });
});
