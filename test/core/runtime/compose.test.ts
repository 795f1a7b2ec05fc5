import { describe, expect, it } from 'vitest';
import { newCustomerState, type SendIntent } from '../../../functions/core/engine/state.ts';
import { composeMessage } from '../../../functions/core/runtime/compose.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { verifyUnsubscribeToken } from '../../../functions/core/unsubscribe/token.ts';
import { memoryPorts, sampleComposer, signedUp, T0, TEST_UNSUBSCRIBE_KEY } from '../../handlers/support.ts';

/** A signed-up customer's state and the welcome intent the engine made for them. */
async function welcomed(firstName?: string) {
  const ports = await memoryPorts();
  const event = signedUp('usr_1');
  if (firstName) event.detail.traits = { ...event.detail.traits, firstName };
  await ingest(JSON.stringify(event), ports, 'msg-1');
  const intent = ports.sends.messages.find((m) => m.send.intent.template === 'welcome')?.send.intent;
  const stored = await ports.states.load('usr_1');
  if (!intent || !stored) throw new Error('the welcome series made no welcome email');
  return { intent, state: stored.state };
}

describe('composeMessage', () => {
  it('renders the template for the chosen channel, to the profile address, with a signed unsubscribe link', async () => {
    // Prepare
    const { intent, state } = await welcomed('Ana');

    // Act
    const composed = composeMessage(intent, 'email', state, await sampleComposer());

    // Assess
    if (!composed.ok || composed.message.channel !== 'email') throw new Error(JSON.stringify(composed));
    const { message } = composed;
    expect(message.to).toBe('usr_1@example.com');
    expect(message.content.subject).toBe('Welcome to Example Roasters, Ana');
    expect(message.content.html).toContain('utm_campaign=welcome-series');
    const token = new URL(message.unsubscribeUrl).searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(token, { current: TEST_UNSUBSCRIBE_KEY }, T0)).toMatchObject({
      status: 'ok',
      claims: { userId: 'usr_1', channel: 'email', topic: 'marketing' },
    });
    expect(message.content.text).toContain(message.unsubscribeUrl);
  });

  it('puts one signed link in the body and the List-Unsubscribe header, even when the clock moves between them', async () => {
    // Prepare: a clock a millisecond later at each reading, so that two signings would differ.
    const { intent, state } = await welcomed('Ana');
    let reading = T0;
    const composer = await sampleComposer(() => reading++);

    // Act
    const composed = composeMessage(intent, 'email', state, composer);

    // Assess
    if (!composed.ok || composed.message.channel !== 'email') throw new Error(JSON.stringify(composed));
    const links = composed.message.content.text.match(/https:\/\/unsubscribe\.test\/\S+/g) ?? [];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toBe(composed.message.unsubscribeUrl);
  });

  it('fails with the template reason instead of sending a message with a missing value', async () => {
    // Prepare: the cart reminder needs the trigger's cart, and this enrollment is gone from the state.
    const { intent, state } = await welcomed();
    const orphan: SendIntent = { ...intent, template: 'cart-reminder', enrollmentId: 'enr_gone' };

    // Act
    const composed = composeMessage(orphan, 'email', state, await sampleComposer());

    // Assess
    expect(composed).toMatchObject({ ok: false, reason: 'template-missing-variable' });
  });

  it('refuses a channel the profile has no address for', async () => {
    // Prepare
    const { intent } = await welcomed();

    // Act
    const composed = composeMessage(intent, 'email', newCustomerState('usr_1'), await sampleComposer());

    // Assess
    expect(composed).toMatchObject({ ok: false, reason: 'no-address' });
  });
});
