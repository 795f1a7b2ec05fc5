import { describe, expect, it } from 'vitest';
import { eventLinesOf, simulateFloor } from '../../bench/simulate-floor.ts';

describe('the floor of cairn simulate, per event (npm run bench -- floor)', () => {
  it('reads only the lines a bus would take, as cairn simulate does', () => {
    // Prepare: an event, a blank line, a line that is not JSON and one that is no event
    const event = {
      id: 'e1',
      source: 'shop',
      'detail-type': 'Order Placed',
      time: '2026-11-01T10:00:00Z',
      detail: { userId: 'u1' },
    };
    const text = [JSON.stringify(event), '', '{not json', JSON.stringify({ detail: {} })].join('\n');

    // Act
    const lines = eventLinesOf(text);

    // Assess
    expect(lines.map((line) => [line.line, line.id])).toEqual([[1, 'e1']]);
    expect(lines[0]?.at).toBe(Date.parse('2026-11-01T10:00:00Z'));
  });

  it('measures every part over the same events, and the warm pass enrolls and sends', async () => {
    // Prepare: the first bench events, few enough for a test

    // Act
    const figures = await simulateFloor(1_000);

    // Assess: each part took time, and the warm share enrolled customers and sent messages
    expect(figures.events).toBe(1_000);
    for (const us of [
      figures.parse.cpuUs,
      figures.readLines.cpuUs,
      figures.engineStepUs,
      figures.warmPass.takeUs,
    ])
      expect(us).toBeGreaterThan(0);
    expect(figures.warmPass.enrollments).toBeGreaterThan(0);
    expect(figures.warmPass.sent).toBeGreaterThan(0);
    expect(figures.warmPass.sent).toBeLessThanOrEqual(figures.warmPass.messages);
  }, 120_000);
});
