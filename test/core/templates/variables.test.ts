import { describe, expect, it } from 'vitest';
import { withoutBlanks } from '../../../functions/core/templates/variables.ts';

describe('withoutBlanks', () => {
  it('keeps a variable named __proto__ as a field, nested ones too, and drops only blanks', () => {
    // Prepare: event properties or saved call fields as JSON.parse reads them.
    const variables: unknown = JSON.parse(
      '{"__proto__": {"plan": "pro", "note": ""}, "items": [{"__proto__": 1, "gone": null}], "kept": "x"}',
    );

    // Act
    const cleaned = withoutBlanks(variables);

    // Assess
    expect(Object.getPrototypeOf(cleaned)).toBe(Object.prototype);
    expect(JSON.stringify(cleaned)).toBe('{"__proto__":{"plan":"pro"},"items":[{"__proto__":1}],"kept":"x"}');
  });
});
