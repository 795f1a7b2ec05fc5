import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJourneyFile } from '../../../functions/core/journeys/load.ts';

const CART = readFileSync(join(import.meta.dirname, '../../../journeys/cart-abandonment.yaml'), 'utf8');

describe('loadJourneyFile', () => {
  it('refuses a pattern field named __proto__ at its line, rather than drop the condition and match more', () => {
    // Prepare
    const text = CART.replace('        cartId: [{ exists: true }]', '        __proto__: [{ exists: true }]');

    // Act
    const loaded = loadJourneyFile({ file: 'cart-abandonment.yaml', text });

    // Assess
    expect(text).not.toBe(CART);
    expect(loaded.journey).toBeUndefined();
    expect(loaded.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.path}`)).toEqual([
      'cart-abandonment.yaml:14:9 trigger.event.detail.properties.__proto__',
    ]);
    expect(loaded.problems[0]?.message).toContain('may not be named "__proto__"');
  });

  it('loads the journey as written otherwise', () => {
    // Act
    const loaded = loadJourneyFile({ file: 'cart-abandonment.yaml', text: CART });

    // Assess
    expect(loaded.problems).toEqual([]);
    expect(loaded.journey?.id).toBe('cart-abandonment');
  });
});
