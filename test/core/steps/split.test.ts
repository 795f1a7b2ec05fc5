import { describe, expect, it } from 'vitest';
import { SplitStep } from '../../../functions/core/steps/split.ts';

describe('SplitStep', () => {
  it('refuses a variant named __proto__, which would be the prototype of the counts reports keep by variant', () => {
    // Prepare
    const step = {
      id: 'ab',
      type: 'split',
      variants: [
        { name: '__proto__', percent: 50, next: 'send-a' },
        { name: 'b', percent: 50, next: 'send-b' },
      ],
    };

    // Act
    const parsed = SplitStep.safeParse(step);

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['variants.0.name', 'a variant may not be named "__proto__" (JavaScript reserves the name); rename it'],
    ]);
  });
});
