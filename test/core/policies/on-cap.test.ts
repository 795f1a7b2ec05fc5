import { describe, expect, it } from 'vitest';
import type { OnCap } from '../../../functions/core/journeys/schema.ts';
import { customerEvent, DAY, HOUR, journeyFromYaml } from '../../support/journeys.ts';
import { simulationOf } from '../../support/simulation.ts';
import { policies } from './support.ts';

const hello = journeyFromYaml(`
id: hello
name: Hello
status: active
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: hello, type: send, channel: email, template: hello }
`);

const offer = (onCap: OnCap) =>
  journeyFromYaml(`
id: offer
name: Offer
status: active
onCap: ${onCap}
trigger: { event: { detail-type: [Product Added] } }
exit: [{ name: ordered, pattern: { detail-type: [Order Completed] } }]
steps:
  - { id: offer, type: send, channel: email, template: offer, next: wait }
  - { id: wait, type: wait, duration: P1D, next: follow-up }
  - { id: follow-up, type: send, channel: email, template: follow-up }
`);

const T0 = Date.parse('2026-11-02T10:00:00Z');

async function run(onCap: OnCap, orderAt?: number) {
  const simulation = simulationOf({
    journeys: [hello, offer(onCap)],
    policies: policies({ caps: [{ id: 'weekly', max: 1, per: 'P7D' }] }),
  });
  const traits = { email: 'ana@example.com', timezone: 'UTC' };
  await simulation.processEvent(customerEvent('Signed Up', 'ana', T0, {}, { traits }));
  await simulation.processEvent(customerEvent('Product Added', 'ana', T0 + HOUR));
  if (orderAt !== undefined) await simulation.processEvent(customerEvent('Order Completed', 'ana', orderAt));
  await simulation.finish(T0 + 30 * DAY);
  const messages = [...simulation.tally.messages.values()].map(
    (m) =>
      `${m.stepId} ${m.status} ${m.reason} ${m.at}${m.deferrals ? ` after ${m.deferrals} deferral(s)` : ''}`,
  );
  const offerEnrollment = [...simulation.tally.enrollments.values()].find((e) => e.journeyId === 'offer');
  return { messages, exit: offerEnrollment?.exitReason };
}

describe('onCap through the simulator', () => {
  it('skip: the capped message is not sent and the enrollment goes on to its next step', async () => {
    const { messages, exit } = await run('skip');

    expect(messages).toEqual([
      'hello SENT sent 2026-11-02T10:00:00.000Z',
      'offer SKIPPED cap_exceeded 2026-11-02T11:00:00.000Z',
      'follow-up SKIPPED cap_exceeded 2026-11-03T11:00:00.000Z',
    ]);
    expect(exit).toBe('completed');
  });

  it('defer: the capped message is sent when the window frees, and the enrollment goes on meanwhile', async () => {
    const { messages, exit } = await run('defer');

    // The offer goes out exactly 7 days after hello; the follow-up waits for the next window after that.
    expect(messages).toEqual([
      'hello SENT sent 2026-11-02T10:00:00.000Z',
      'offer SENT sent 2026-11-09T10:00:00.000Z after 1 deferral(s)',
      'follow-up SENT sent 2026-11-16T10:00:00.000Z after 2 deferral(s)',
    ]);
    expect(exit).toBe('completed');
  });

  it('drop: the capped message is not sent and the enrollment ends, so later steps never run', async () => {
    const { messages, exit } = await run('drop');

    expect(messages).toEqual([
      'hello SENT sent 2026-11-02T10:00:00.000Z',
      'offer DROPPED cap_exceeded 2026-11-02T11:00:00.000Z',
    ]);
    expect(exit).toBe('send-dropped');
  });

  it('defer: a held message is not sent once its enrollment ended early', async () => {
    const { messages, exit } = await run('defer', T0 + 2 * HOUR);

    expect(messages).toEqual([
      'hello SENT sent 2026-11-02T10:00:00.000Z',
      'offer DROPPED enrollment_ended 2026-11-09T10:00:00.000Z after 1 deferral(s)',
    ]);
    expect(exit).toBe('exit-criteria:ordered');
  });
});
