import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

// Arrival order (docs/runtime.md): the reason a late trigger did not enter is one `cairn explain` can show.

const line = (id: string, type: string, time: string, properties: Record<string, unknown>) =>
  JSON.stringify({
    version: '0',
    id,
    source: 'com.example.shop',
    'detail-type': type,
    time,
    resources: [],
    detail: { userId: 'usr_mia', properties, traits: { email: 'mia@example.com' } },
  });

describe('cairn explain, arrival order', () => {
  it('says that a Product Added arriving after its cart order did not enter, and why', async () => {
    // Prepare: the order (10:10) is in the file before the Product Added (10:00), so that arrives late.
    const file = join(await tempDir(), 'events.ndjson');
    await writeFile(
      file,
      `${[
        line('e1', 'Order Completed', '2026-11-03T10:10:00Z', { cartId: 'c1', revenue: 40 }),
        line('e2', 'Product Added', '2026-11-03T10:00:00Z', { cartId: 'c1', name: 'Espresso beans' }),
      ].join('\n')}\n`,
    );
    const { io, out, err } = memoryIo();

    // Act
    const code = await main(['explain', '--user', 'usr_mia', '--events', file], io);

    // Assess
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const cart = out.filter((l) => l.includes('cart-abandonment'));
    expect(cart).toEqual(['2026-11-03T10:10:00Z  cart-abandonment: not entered (goal-before)']);
  });
});
