import { describe, expect, it } from 'vitest';
import {
  formatEventProblem,
  type NdjsonLine,
  parseNdjsonEvents,
} from '../../../functions/core/events/index.ts';

function event(id: string, userId = 'usr_1'): string {
  return JSON.stringify({
    id,
    'detail-type': 'Product Viewed',
    source: 'com.example.shop',
    time: '2026-11-01T10:00:00Z',
    detail: { userId, properties: { productId: 'p1' } },
  });
}

function summary(lines: NdjsonLine[]): string[] {
  return lines.map((l) =>
    'event' in l
      ? `${l.line}: ok ${l.event.id}`
      : `${l.line}: ${l.problems.map(formatEventProblem).join(' | ')}`,
  );
}

describe('parseNdjsonEvents', () => {
  it('returns one result per non-blank line, with 1-based line numbers', () => {
    const text = ['', event('e1'), '   ', '', event('e2'), '\t', event('e3'), ''].join('\n');
    expect(summary(parseNdjsonEvents(text))).toEqual(['2: ok e1', '5: ok e2', '7: ok e3']);
  });

  it('returns nothing for an empty or blank file', () => {
    expect(parseNdjsonEvents('')).toEqual([]);
    expect(parseNdjsonEvents('\n  \n\n')).toEqual([]);
  });

  it('reads CRLF line endings, a byte-order mark and a missing final newline', () => {
    const text = `\uFEFF${event('e1')}\r\n\r\n${event('e2')}`;
    expect(summary(parseNdjsonEvents(text))).toEqual(['1: ok e1', '3: ok e2']);
  });

  it('reports a JSON syntax error with its line number instead of throwing', () => {
    const text = [event('e1'), '{"id": "e2", "detail-type": ', event('e3')].join('\n');
    const lines = parseNdjsonEvents(text);
    expect(lines).toHaveLength(3);
    const bad = lines[1];
    expect(bad?.line).toBe(2);
    if (bad === undefined || !('problems' in bad)) throw new Error('expected line 2 to be rejected');
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]?.path).toBe('');
    expect(bad.problems[0]?.eventId).toBeUndefined();
    expect(bad.problems[0]?.message).toMatch(
      /^line 2 is not valid JSON \(.+\); expected one JSON event object per line$/,
    );
  });

  it('reports a bad event among good ones with its line, id and every problem', () => {
    const bad = JSON.stringify({ id: 'e2', source: 'com.example.shop', time: 'soon', detail: {} });
    const text = [event('e1'), bad, event('e3')].join('\n');
    expect(summary(parseNdjsonEvents(text))).toEqual([
      '1: ok e1',
      '2: event e2: detail-type: expected a non-empty string, got undefined' +
        ' | event e2: time: expected an ISO-8601 timestamp with a timezone designator, e.g. 2026-11-01T10:00:00Z, got "soon"' +
        ' | event e2: detail.userId: expected a non-empty string, got undefined',
      '3: ok e3',
    ]);
  });

  it('rejects a line that is JSON but not an object', () => {
    expect(summary(parseNdjsonEvents('[1, 2]\n"e1"\n42'))).toEqual([
      '1: event (no id): expected an event (a JSON object), got an array',
      '2: event (no id): expected an event (a JSON object), got "e1"',
      '3: event (no id): expected an event (a JSON object), got 42',
    ]);
  });

  it('does not accept two events on one line', () => {
    const lines = parseNdjsonEvents(`${event('e1')} ${event('e2')}`);
    expect(lines).toHaveLength(1);
    expect(lines[0] !== undefined && 'problems' in lines[0]).toBe(true);
  });
});
