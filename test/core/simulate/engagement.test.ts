import { describe, expect, it } from 'vitest';
import { emailTags } from '../../../functions/adapters/ses/email-tags.ts';
import { Simulation } from '../../../functions/core/simulate/simulation.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';
import { customerEvent, DAY, HOUR } from '../../support/journeys.ts';
import { sesEngagementEvent } from '../../support/ses-feedback.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');

/** The simulator with the shipped journeys; `ana` opens the welcome email, `ben` does not. */
async function newsletterRun(feedback: 'Open' | 'Click') {
  const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
  const simulation = new Simulation({ config });
  for (const user of ['ana', 'ben'])
    await simulation.processEvent(
      customerEvent('Newsletter Subscribed', user, T0, {}, { traits: { email: `${user}@example.com` } }),
    );
  const welcome = simulation.channels.email.sent.find((s) => s.message.intent.userId === 'ana');
  if (!welcome) throw new Error('no welcome email for ana');
  // What SES publishes about it: the tags the email adapter sets on it come back (adapters/ses/email-tags.ts).
  const event = sesEngagementEvent(feedback, 'ses-ana-1', emailTags(welcome.message.intent), T0 + 2 * HOUR);
  const report = await simulation.feedback(event, T0 + 2 * HOUR);
  await simulation.finish(T0 + 10 * DAY);
  const sent = simulation.channels.email.sent.map(
    (s) => `${s.message.intent.userId} ${s.message.intent.stepId}`,
  );
  return { simulation, report, sent };
}

describe('the simulator: engagement from SES feedback', () => {
  it('takes the opened branch for the customer whose email SES reports opened, the other for the rest', async () => {
    // Act
    const { report, sent, simulation } = await newsletterRun('Open');

    // Assess
    expect(report.published.map((e) => e['detail-type'])).toEqual(['Email Opened']);
    expect(sent).toEqual(['ana welcome-1', 'ben welcome-1', 'ana picks', 'ben resend']);
    const picks = [...simulation.tally.messages.values()].find((m) => m.stepId === 'picks');
    expect(picks?.at).toBe(new Date(T0 + 2 * HOUR + 2 * DAY).toISOString());
  });

  it('counts a reported click as engaged: no more email for that customer', async () => {
    // Act
    const { sent } = await newsletterRun('Click');

    // Assess
    expect(sent).toEqual(['ana welcome-1', 'ben welcome-1', 'ben resend']);
  });
});
