import { describe, expect, it } from 'vitest';
import {
  JourneyCounts,
  journeysWithMetrics,
  OTHER_JOURNEYS,
} from '../../../functions/core/outcomes/journey-counts.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { memoryPorts, signedUp } from '../../handlers/support.ts';

describe('journeysWithMetrics', () => {
  it('names the active journeys only, in id order, at most the limit', () => {
    // Prepare
    const journeys = [
      { id: 'win-back', status: 'active' as const },
      { id: 'birthday', status: 'active' as const },
      { id: 'draft-one', status: 'draft' as const },
      { id: 'paused-one', status: 'paused' as const },
      { id: 'cart', status: 'active' as const },
    ];

    // Act
    const named = journeysWithMetrics(journeys, 2);
    const all = journeysWithMetrics(journeys, 20);
    const none = journeysWithMetrics(journeys, 0);

    // Assess
    expect(named).toEqual(['birthday', 'cart']);
    expect(all).toEqual(['birthday', 'cart', 'win-back']);
    expect(none).toEqual([]);
  });
});

describe('JourneyCounts', () => {
  it('counts enrollments per named journey, folds the others into "other", and drains once', async () => {
    // Prepare: a sign-up enrolls in welcome-series (and whatever else the samples start on it).
    const counts = new JourneyCounts(['welcome-series']);
    const ports = { ...(await memoryPorts()), observer: counts };

    // Act
    for (const user of ['usr_1', 'usr_2', 'usr_3']) await ingest(JSON.stringify(signedUp(user)), ports, user);
    const drained = counts.drain();
    const again = counts.drain();

    // Assess
    expect(drained).toContainEqual({
      metric: 'JourneyEnrollments',
      dimensions: { JourneyId: 'welcome-series' },
      value: 3,
    });
    const journeyIds = new Set(drained.map((c) => c.dimensions.JourneyId));
    expect([...journeyIds].every((id) => id === 'welcome-series' || id === OTHER_JOURNEYS)).toBe(true);
    expect(again).toEqual([]);
  });

  it('counts sent messages by journey and channel, and no other send outcome', async () => {
    // Prepare: the welcome email's intent, as ingest queued it.
    const ports = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'usr_1');
    const intent = ports.sends.messages[0]?.send.intent;
    if (!intent) throw new Error('no send queued');
    const named = new JourneyCounts([intent.journeyId]);
    const unnamed = new JourneyCounts([]);
    const sent = { status: 'SENT', reason: 'sent', channel: 'email' } as const;
    const skipped = { status: 'SKIPPED', reason: 'opt_out', channel: 'email' } as const;

    // Act
    for (const outcome of [sent, sent, skipped]) {
      named.observe({ type: 'delivered', at: 0, intent, outcome });
      unnamed.observe({ type: 'delivered', at: 0, intent, outcome });
    }

    // Assess
    expect(named.drain()).toEqual([
      { metric: 'JourneySends', dimensions: { JourneyId: intent.journeyId, channel: 'email' }, value: 2 },
    ]);
    expect(unnamed.drain()).toEqual([
      { metric: 'JourneySends', dimensions: { JourneyId: OTHER_JOURNEYS, channel: 'email' }, value: 2 },
    ]);
  });
});
