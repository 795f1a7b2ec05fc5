import { describe, expect, it } from 'vitest';
import { loadedAfter } from './support.ts';

const LAZY = ['/node_modules/liquidjs/'];

describe('libraries loaded on first use', () => {
  it('leaves liquidjs unloaded when the modules that render with it are imported', () => {
    // Prepare
    const script = `await import('./functions/core/templates/render.ts');
await import('./functions/core/calls/render.ts');`;

    // Act
    const loaded = loadedAfter(script, LAZY);

    // Assess
    expect(loaded).toEqual([]);
  });

  it('loads liquidjs on the first render', () => {
    // Prepare
    const script = `const { textLiquid } = await import('./functions/core/templates/liquid.ts');
if (textLiquid().parseAndRenderSync('Hi {{ n }}', { n: 'Ada' }) !== 'Hi Ada') throw new Error('not rendered');`;

    // Act
    const loaded = loadedAfter(script, LAZY);

    // Assess
    expect(loaded).toEqual(LAZY);
  });
});
