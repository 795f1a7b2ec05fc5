import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readEventLine } from '../../../functions/core/events/event-line.ts';
import { runResultJson } from '../../../functions/core/simulate/result-json.ts';
import { simulateEventLines } from '../../../functions/core/simulate/run.ts';
import { loadRuntimeConfig } from '../../../functions/handlers/shared/config.ts';

describe('the result as streamed text', () => {
  it('is the text JSON.stringify(result, null, 2) makes, with empty and filled lists alike', async () => {
    // Prepare: the sample events, one of them broken so that a dead letter is listed.
    const config = await loadRuntimeConfig('journeys', undefined, 'UTC');
    const text = await readFile('journeys/events/sample.ndjson', 'utf8');
    const lines = [
      ...text.split('\n'),
      '{"source":"x","detail-type":"Order Completed","detail":{}}',
      'not json',
    ]
      .map((line, i) => readEventLine(line, i + 1))
      .filter((line) => line !== undefined);
    const { result } = await simulateEventLines({ config, lines });
    const empty = { ...result, messages: [], enrollments: [], skipped: [], deadLetters: [] };

    // Act
    const join = async (value: typeof result) => {
      let written = '';
      for await (const piece of runResultJson(value)) written += piece;
      return written;
    };

    // Assess
    expect(result.messages.length).toBeGreaterThan(0);
    expect(result.deadLetters.length).toBeGreaterThan(0);
    expect(result.skipped.length).toBeGreaterThan(0);
    expect(await join(result)).toBe(`${JSON.stringify(result, null, 2)}\n`);
    expect(await join(empty)).toBe(`${JSON.stringify(empty, null, 2)}\n`);
  });
});
