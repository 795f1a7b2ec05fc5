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

  it('measures every part over the same events, and both passes enroll and send alike', async () => {
    // Prepare: the first bench events, few enough for a test

    // Act
    const figures = await simulateFloor(1_000);

    // Assess: each part took time, and the warm share enrolled customers and sent messages
    expect(figures.events).toBe(1_000);
    for (const us of [
      figures.parse.cpuUs,
      figures.readLines.cpuUs,
      figures.engineStepUs,
      figures.passes[1].takeUs,
    ])
      expect(us).toBeGreaterThan(0);
    expect(figures.passes[1].enrollments).toBeGreaterThan(0);
    expect(figures.passes[1].sent).toBeGreaterThan(0);
    expect(figures.passes[1].sent).toBeLessThanOrEqual(figures.passes[1].messages);
    // A fresh share each pass: the warm pass decides as the first did
    const records = ({ enrollments, messages, sent }: (typeof figures.passes)[number]) => [
      enrollments,
      messages,
      sent,
    ];
    expect(records(figures.passes[1])).toEqual(records(figures.passes[0]));
  }, 120_000);
});
