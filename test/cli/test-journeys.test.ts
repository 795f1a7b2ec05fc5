import { describe, expect, it } from 'vitest';
import { testJourneysCommand } from '../../functions/cli/commands/test-journeys.ts';
import type { CliIo } from '../../functions/cli/io.ts';

function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), readFile: async () => '' };
  return { io, out, err };
}

describe('cairn test', () => {
  it('passes every journey test of the sample journeys', async () => {
    const { io, out, err } = memoryIo();

    const code = await testJourneysCommand([], io);

    expect(err).toEqual([]);
    expect(out.filter((l) => l.includes('FAIL'))).toEqual([]);
    expect(out.at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/);
    expect(code).toBe(0);
  });

  it('fails a test whose expectation does not hold, with a diff', async () => {
    const { io, out } = memoryIo();

    const code = await testJourneysCommand(['test/fixtures/journey-tests/wrong.test.yaml'], io);

    expect(code).toBe(1);
    expect(out).toEqual([
      'test/fixtures/journey-tests/wrong.test.yaml',
      '  FAIL  expects the reminder too early',
      '        - expected message missing: ana */remind SENT at +10m',
      '        + unexpected message: ana cart-abandonment/remind cart-reminder via push SENT (sent) at +30m',
      '0 passed, 1 failed',
    ]);
  });

  it('fails a test whose engagement names no message sent, or whose emitted events differ', async () => {
    const { io, out } = memoryIo();

    const code = await testJourneysCommand(['test/fixtures/journey-tests/engagement-wrong.test.yaml'], io);

    expect(code).toBe(1);
    expect(out).toEqual([
      'test/fixtures/journey-tests/engagement-wrong.test.yaml',
      '  FAIL  expects the engaged event without a click, and opens a message never sent',
      `        engagement "opened" of ana's message from */picks at +1h: no message of that step was sent to ana by then`,
      '        - expected emitted event missing: ana * "Newsletter Engaged"',
      '0 passed, 1 failed',
    ]);
  });

  it('feeds SMS delivery in, and fails a case that says an SMS was opened', async () => {
    const { io, out } = memoryIo();

    const code = await testJourneysCommand(['test/fixtures/journey-tests/engagement-sms.test.yaml'], io);

    expect(code).toBe(1);
    expect(out).toEqual([
      'test/fixtures/journey-tests/engagement-sms.test.yaml',
      '  FAIL  an SMS delivered is fed in; an SMS cannot be opened',
      `        engagement "opened" of kim's message from */remind at +32m: an SMS cannot be opened: SMS has no opens or clicks`,
      '0 passed, 1 failed',
    ]);
  });

  it('reports an invalid test file with file:line:column', async () => {
    const { io, err } = memoryIo();

    const code = await testJourneysCommand(['test/fixtures/journey-tests/invalid.test.yaml'], io);

    expect(code).toBe(1);
    expect(err).toEqual([
      'test/fixtures/journey-tests/invalid.test.yaml:6:15 cases[0].events[0].at: expected a time relative to start such as +30m, +1d2h, or an ISO-8601 time',
      'test/fixtures/journey-tests/invalid.test.yaml:8:7 cases[0].expect.mesages: unknown key "mesages"; did you mean "messages"?',
    ]);
  });
});
