import { afterEach, describe, expect, it, vi } from 'vitest';
import { htmlLiquid, textLiquid } from '../../../functions/core/templates/liquid.ts';

describe('the template engine limits', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('renders a template whose rendering a busy machine stalled for 3 seconds', () => {
    // Prepare: the clock the render limit reads jumps 3 s after the render starts (CPU starved, a long GC).
    const start = performance.now();
    let reads = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => start + (reads++ > 0 ? 3_000 : 0));
    const template = 'Hello {{ name }}{% for i in (1..3) %}!{% endfor %}';

    // Act
    const text = textLiquid().parseAndRenderSync(template, { name: 'Ada' });
    const html = htmlLiquid().parseAndRenderSync(template, { name: '<b>Ada</b>' });

    // Assess
    expect(text).toBe('Hello Ada!!!');
    expect(html).toBe('Hello &lt;b&gt;Ada&lt;/b&gt;!!!');
  });

  it('stops a loop over a range too large for its memory limit, whatever the machine', () => {
    // Prepare
    const template = '{% for i in (1..20000000) %}x{% endfor %}';

    // Act
    const render = () => textLiquid().parseAndRenderSync(template, {});

    // Assess
    expect(render).toThrow(/memory/i);
  });
});
