import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo } from '../cli/support.ts';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

const FIXTURE = 'test/fixtures/import/pinpoint-endpoints.jsonl';

function signedUp(id: string, userId: string, time: string): string {
  return JSON.stringify({
    version: '0',
    id,
    source: 'com.example.shop',
    'detail-type': 'Signed Up',
    time,
    detail: { userId, traits: { firstName: userId.slice(4) } },
  });
}

describe('an imported Pinpoint export on both machines', () => {
  it('gives journeys the merged addresses and consent, the same in the simulator and the local stack, and a second import changes nothing', async () => {
    // Prepare: the export imported (twice, as a re-run would put it), then two of its users sign up.
    const { io, out } = memoryIo();
    expect(await main(['import', 'profiles', FIXTURE, '--at', '2026-10-30T00:00:00Z'], io)).toBe(0);
    const text = [
      ...out,
      ...out,
      signedUp('s1', 'usr_maya', '2026-11-02T10:00:00Z'),
      signedUp('s2', 'usr_kenji', '2026-11-02T10:05:00Z'),
    ].join('\n');

    // Act
    const [simulated, local] = await Promise.all([
      throughSimulator(text, { daysAfter: 0 }),
      throughLocalStack(text, { daysAfter: 0 }),
    ]);

    // Assess
    expect(local).toEqual(simulated);
    expect(
      simulated.messages.map((m) => `${m.userId} ${m.stepId} ${m.channel} ${m.status} ${m.reason}`),
    ).toEqual(['usr_maya welcome-email email SENT sent', 'usr_kenji welcome-email email SKIPPED opt_out']);
    expect(simulated.deadLetters).toEqual([]);
  }, 120_000);
});
