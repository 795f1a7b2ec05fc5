import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { throughLocalStack, throughSimulator } from '../support/machines.ts';

/** The sample's first customer, then bad lines among good ones, as a file from a real app might hold them. */
function fileWithBadLines(): string {
  const sample = readFileSync('journeys/events/sample.ndjson', 'utf8').split('\n').slice(0, 3);
  const base = JSON.parse(sample[0] ?? '{}');
  const bad = (id: string, change: (event: typeof base) => void) => {
    const event = structuredClone(base);
    event.id = id;
    event.detail.eventId = id;
    change(event);
    return JSON.stringify(event);
  };
  return [
    ...sample,
    bad('in-2099', (e) => {
      e.time = '2099-01-01T00:00:00Z';
    }),
    bad('in-9999', (e) => {
      e.time = '9999-12-31T23:59:59Z';
    }),
    bad('too-big', (e) => {
      e.detail.properties = { blob: 'a'.repeat(300_000) };
    }),
    bad('long-id', (e) => {
      e.detail.userId = 'u'.repeat(3000);
    }),
    bad('broken-id', (e) => {
      e.detail.userId = 'usr_\ud800x';
    }),
  ].join('\n');
}

/** The real clock of the run: the month after the sample, so that 2099 and 9999 are in its far future. */
const wallClock = () => Date.parse('2026-12-06T00:00:00Z');

describe('bad input through both machines', () => {
  it('refuses each bad line with its reason, line and field, quickly, and both machines agree', async () => {
    // Prepare
    const text = fileWithBadLines();
    const started = Date.now();

    // Act
    const simulated = await throughSimulator(text, { daysAfter: 1, wallClock });
    const local = await throughLocalStack(text, { daysAfter: 1, wallClock });

    // Assess
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(local).toEqual(simulated);
    expect(simulated.skipped).toEqual([
      {
        line: 6,
        reason: expect.stringMatching(
          /^the event is 300\d{3} bytes as a PutEvents entry, over EventBridge's limit of 262144$/,
        ),
      },
    ]);
    const letters = simulated.deadLetters.map((d) => `${d.line} ${d.id} ${d.reason}`);
    expect(letters).toEqual([
      expect.stringMatching(/^4 in-2099 time: .*too far in the future/),
      expect.stringMatching(/^5 in-9999 time: .*too far in the future/),
      expect.stringMatching(/^7 long-id detail\.userId: .*at most 256 bytes/),
      expect.stringMatching(/^8 broken-id detail\.userId: .*lone surrogate/),
    ]);
    expect(Date.parse(simulated.until)).toBeLessThan(Date.parse('2027-01-01T00:00:00Z'));
  }, 120_000);
});
