import { describe, expect, it } from 'vitest';
import { pickSaved } from '../../../functions/core/calls/intent.ts';

describe('pickSaved', () => {
  it("reads an answer's own fields only: a path through __proto__ saves what the answer holds there, else nothing", () => {
    // Prepare
    const withField: unknown = JSON.parse('{"__proto__": {"tier": "gold"}}');
    const without: unknown = JSON.parse('{"tier": "silver"}');
    const saveAs = { tier: '__proto__.tier', all: '__proto__' };

    // Act
    const [found, missing] = [pickSaved(withField, saveAs), pickSaved(without, saveAs)];

    // Assess
    expect(found).toEqual({ tier: 'gold', all: { tier: 'gold' } });
    expect(missing).toEqual({});
  });
});
