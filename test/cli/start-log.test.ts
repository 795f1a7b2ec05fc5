import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo } from './support.ts';

describe('cairn start --log', () => {
  it('refuses --log with --serve, before starting anything, and says why', async () => {
    // Prepare
    const { io, err } = memoryIo();

    // Act
    const code = await main(['start', '--serve', '--log', 'outcomes'], io);

    // Assess
    expect(code).toBe(2);
    expect(err).toEqual([
      'cairn start: --log is for a replay of --events; --serve does not write the outcome log yet',
    ]);
  });
});
