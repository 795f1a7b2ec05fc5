import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../functions/core/simulate/result.ts';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

// Segments on both machines: the sample journey on "Segment Entered" (journeys/frequent-buyer-thanks.yaml),
// and a watcher of the recency segment journeys/segments/recent-buyers.yaml that ends on "Segment Exited".

const WATCHER = `id: recent-buyer-watch
name: Recent buyer watch
status: active
entry: { reentry: always }
trigger:
  event: { source: [cairn.segments], detail-type: [Segment Entered], detail: { properties: { segment: [recent-buyers] } } }
exit:
  - name: left-recent-buyers
    pattern: { source: [cairn.segments], detail-type: [Segment Exited], detail: { properties: { segment: [recent-buyers] } } }
steps:
  - id: wait-long
    type: wait
    duration: P365D
`;

async function journeysWithWatcher(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'cairn-segments-')), 'journeys');
  await cp('journeys', dir, { recursive: true });
  await writeFile(join(dir, 'recent-buyer-watch.yaml'), WATCHER);
  return dir;
}

function line(id: string, time: string, type: string, detail: Record<string, unknown>): string {
  return JSON.stringify({ version: '0', id, source: 'com.example.shop', 'detail-type': type, time, detail });
}

const order = (id: string, time: string) =>
  line(id, time, 'Order Completed', { userId: 'ana', properties: { orderId: id, revenue: 12 } });

describe('segments on the simulator and the local stack', () => {
  it('enrolls on Segment Entered when an order moves a customer in, and exits a recency segment on the day', async () => {
    // Prepare: the third order within 180 days makes ana a frequent buyer. recent-buyers is "an order in the
    // last 30 days": she leaves it 30 days after her first order (October has 31 days), enters it again with
    // the second, and leaves it 30 days after the third, each time with no event.
    const journeys = await journeysWithWatcher();
    const events = [
      line('e0', '2026-10-01T09:00:00Z', 'Signed Up', {
        userId: 'ana',
        traits: { email: 'ana@example.com', timezone: 'Europe/London' },
      }),
      order('o1', '2026-10-01T10:00:00Z'),
      order('o2', '2026-11-01T10:00:00Z'),
      order('o3', '2026-11-25T10:00:00Z'),
    ].join('\n');

    // Act
    const [simulated, local] = await Promise.all([
      throughSimulator(events, { daysAfter: 40, journeysDir: journeys }),
      throughLocalStack(events, { daysAfter: 40, journeysDir: journeys }),
    ]);

    // Assess
    expect(local).toEqual(simulated);
    const of = (result: RunResult, journeyId: string) =>
      result.enrollments
        .filter((e) => e.journeyId === journeyId)
        .map((e) => `${e.enteredAt} ${e.exitedAt} ${e.exitReason}`);
    expect(of(simulated, 'frequent-buyer-thanks')).toEqual([
      '2026-11-25T10:00:00.000Z 2026-11-26T10:00:00.000Z completed',
    ]);
    expect(
      simulated.messages
        .filter((m) => m.journeyId === 'frequent-buyer-thanks')
        .map((m) => `${m.userId} ${m.stepId} ${m.status} ${m.at}`),
    ).toEqual(['ana thank-you-email SENT 2026-11-26T10:00:00.000Z']);
    expect(of(simulated, 'recent-buyer-watch')).toEqual([
      '2026-10-01T10:00:00.000Z 2026-10-31T10:00:00.000Z exit-criteria:left-recent-buyers',
      '2026-11-01T10:00:00.000Z 2026-12-25T10:00:00.000Z exit-criteria:left-recent-buyers',
    ]);
  }, 120_000);
});
