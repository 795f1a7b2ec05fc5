import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../../../functions/core/events/limits.ts';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { customerEvent, memoryPorts, signedUp } from '../../handlers/support.ts';

/** The letter's problems as `path: message`, what a person reads on the DLQ. */
async function refusedWith(body: unknown): Promise<{ status: string; problems: string[]; stored: boolean }> {
  const ports = await memoryPorts();
  const outcome = await ingest(JSON.stringify(body), ports, 'msg-1');
  const letter = ports.deadLetters.letters[0];
  const problems =
    letter?.kind === 'invalid-event' ? letter.problems.map((p) => `${p.path}: ${p.message}`) : [];
  const stored = (await ports.states.load('usr_1')) !== undefined || ports.timers.size > 0;
  return { status: outcome.status, problems, stored };
}

/** Distinct, incompressible-looking text, so that the state grows by what the traits weigh. */
function noise(seed: number, length: number): string {
  let text = '';
  let x = seed * 2_654_435_761;
  while (text.length < length) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += x.toString(36);
  }
  return text.slice(0, length);
}

describe('ingest: input limits, checked before anything is written', () => {
  it('refuses a 3,000-character user id with the reason, at once (no retry, nothing written)', async () => {
    // Prepare
    const event = signedUp('u'.repeat(3000), 'evt-long');

    // Act
    const result = await refusedWith(event);

    // Assess
    expect(result.status).toBe('invalid');
    expect(result.problems).toEqual([
      'detail.userId: expected a user id of at most 256 bytes (UTF-8), got 3000',
    ]);
  });

  it('refuses a user id with a lone surrogate, so no customer is stuck under a broken key', async () => {
    // Prepare
    const event = signedUp('usr_\ud800x', 'evt-surrogate');

    // Act
    const result = await refusedWith(event);

    // Assess
    expect(result.status).toBe('invalid');
    expect(result.problems).toEqual([expect.stringMatching(/^detail\.userId: .*lone surrogate/)]);
  });

  it('refuses control characters in a user id but keeps other Unicode (emoji, CJK)', async () => {
    // Prepare
    const ports = await memoryPorts();

    // Act
    const control = await ingest(JSON.stringify(signedUp('usr\n1', 'e1')), ports, 'm1');
    const unicode = await ingest(JSON.stringify(signedUp('ユーザー😀', 'e2')), ports, 'm2');

    // Assess
    expect(control.status).toBe('invalid');
    expect(unicode.status).toBe('applied');
  });

  it('refuses more traits than the limit, and traits larger than the limit, naming detail.traits', async () => {
    // Prepare
    const many = Object.fromEntries(Array.from({ length: 151 }, (_, i) => [`k${i}`, i]));
    const large = { bio: 'x'.repeat(40_000) };

    // Act
    const tooMany = await refusedWith(customerEvent('usr_1', 'e1', 'Signed Up', { traits: many }));
    const tooLarge = await refusedWith(customerEvent('usr_1', 'e2', 'Signed Up', { traits: large }));

    // Assess
    expect(tooMany.problems).toEqual(['detail.traits: expected at most 150 traits, got 151']);
    expect(tooLarge.problems).toEqual([
      expect.stringMatching(
        /^detail\.traits: expected traits of at most 32768 bytes \(JSON, UTF-8\), got 4\d{4}$/,
      ),
    ]);
    expect(tooMany.stored || tooLarge.stored).toBe(false);
  });

  it('refuses a 300 KB event before parsing it, with its size and the limit', async () => {
    // Prepare
    const event = customerEvent('usr_1', 'evt-big', 'Product Viewed', {
      properties: { blob: 'a'.repeat(300_000) },
    });

    // Act
    const result = await refusedWith(event);

    // Assess
    expect(result.status).toBe('invalid');
    expect(result.problems).toEqual([
      expect.stringMatching(/^: the event is 300\d{3} bytes, over the limit of 262144/),
    ]);
    expect(result.stored).toBe(false);
  });

  it.each([
    ['2099-01-01T00:00:00Z', 'too far in the future'],
    ['9999-12-31T23:59:59Z', 'too far in the future'],
    ['2026-11-09T10:00:01Z', 'too far in the future'],
    ['2000-01-01T00:00:00Z', 'too far in the past'],
  ])('refuses an event timed %s (%s) relative to the machine clock, naming the field', async (time, why) => {
    // Prepare: the clock is 2026-11-02T10:00:00Z
    const event = { ...signedUp('usr_1', 'evt-time'), time };

    // Act
    const result = await refusedWith(event);

    // Assess
    expect(result.status).toBe('invalid');
    expect(result.problems).toEqual([expect.stringContaining(`time: expected a time at most`)]);
    expect(result.problems[0]).toContain(why);
    expect(result.stored).toBe(false);
  });

  it('accepts times inside the window: a week ahead, and 90 days late', async () => {
    // Prepare
    const ports = await memoryPorts();

    // Act
    const ahead = await ingest(
      JSON.stringify({ ...signedUp('usr_1'), time: '2026-11-09T10:00:00Z' }),
      ports,
      'm1',
    );
    const late = await ingest(
      JSON.stringify({ ...signedUp('usr_2'), time: '2026-08-04T10:00:00Z' }),
      ports,
      'm2',
    );

    // Assess
    expect([ahead.status, late.status]).toEqual(['applied', 'applied']);
  });

  it('refuses an event that would grow the customer state past the item limit, with the reason, and keeps the state', async () => {
    // Prepare: each event brings 140 new traits of 200 characters (about 30 KB), all within the per-event limits
    const ports = await memoryPorts();
    const outcomes: string[] = [];

    // Act
    for (let i = 0; i < 14; i++) {
      const traits = Object.fromEntries(
        Array.from({ length: 140 }, (_, k) => [`t${i}_${k}`, noise(i * 1000 + k + 1, 200)]),
      );
      const event = customerEvent('usr_1', `e${i}`, 'Product Viewed', { traits });
      outcomes.push((await ingest(JSON.stringify(event), ports, `m${i}`)).status);
    }

    // Assess
    const stored = await ports.states.load('usr_1');
    const bytes = Buffer.byteLength(JSON.stringify(stored?.state));
    expect(bytes).toBeLessThanOrEqual(DEFAULT_INPUT_LIMITS.maxStateBytes);
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill('applied'));
    expect(outcomes.at(-1)).toBe('invalid');
    const letter = ports.deadLetters.letters.at(-1);
    expect(letter).toMatchObject({ kind: 'invalid-event', eventId: 'e13' });
    expect(letter?.kind === 'invalid-event' && letter.problems[0]?.message).toMatch(
      /^applying it would make customer "usr_1"'s state \d+ bytes, over the limit of 358400/,
    );
  });
  it('refuses an event whose state the store finds over the limit: exact size and reason, no effect handed on', async () => {
    // Prepare: the same sign-up applied under the default limits says what its state weighs
    const fits = await memoryPorts();
    await ingest(JSON.stringify(signedUp('usr_1')), fits, 'm0');
    const bytes = Buffer.byteLength(JSON.stringify((await fits.states.load('usr_1'))?.state));
    const ports = { ...(await memoryPorts()), limits: { ...DEFAULT_INPUT_LIMITS, maxStateBytes: bytes - 1 } };

    // Act
    const outcome = await ingest(JSON.stringify(signedUp('usr_1')), ports, 'm1');

    // Assess
    expect(fits.sends.messages.length + fits.timers.size).toBeGreaterThan(0);
    expect(outcome.status).toBe('invalid');
    expect(ports.deadLetters.letters).toEqual([
      expect.objectContaining({
        kind: 'invalid-event',
        problems: [
          {
            path: '',
            message: `applying it would make customer "usr_1"'s state ${bytes} bytes, over the limit of ${bytes - 1} (a DynamoDB item holds at most 400 KB); nothing was written`,
          },
        ],
      }),
    ]);
    expect(await ports.states.load('usr_1')).toBeUndefined();
    expect([ports.sends.messages.length, ports.timers.size, ports.events.events.length]).toEqual([0, 0, 0]);
  });
});
