import { describe, expect, it } from 'vitest';
import { htmlLiquid, parsedLiquid, textLiquid } from '../../../functions/core/templates/liquid.ts';

describe('parsedLiquid', () => {
  it('parses a source once per engine and renders it again and again with other values', () => {
    // Prepare
    const source = 'Hello {{ name }}';
    const first = parsedLiquid(textLiquid(), source);

    // Act
    const again = parsedLiquid(textLiquid(), source);
    const rendered = ['<Ana>', 'Ben'].map((name) => textLiquid().renderSync(again, { name }));
    const escaped = htmlLiquid().renderSync(parsedLiquid(htmlLiquid(), source), { name: '<Ana>' });

    // Assess
    expect(again).toBe(first);
    expect(parsedLiquid(htmlLiquid(), source)).not.toBe(first);
    expect(rendered).toEqual(['Hello <Ana>', 'Hello Ben']);
    expect(escaped).toBe('Hello &lt;Ana&gt;');
  });

  it('throws the parse error of a source that does not parse each time it is asked', () => {
    // Prepare
    const broken = 'Hello {{ name ';

    // Act
    const parse = () => parsedLiquid(textLiquid(), broken);

    // Assess
    expect(parse).toThrow(/not closed/);
    expect(parse).toThrow(/not closed/);
  });
});
