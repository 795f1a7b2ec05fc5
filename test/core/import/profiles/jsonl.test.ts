import { describe, expect, it } from 'vitest';
import { mapProfileLine } from '../../../../functions/core/import/profiles/jsonl.ts';

describe('a JSON Lines profile row', () => {
  it('is refused when it holds a field named __proto__, which the schema would drop, naming the field', () => {
    // Prepare
    const line: unknown = JSON.parse('{"userId": "u1", "attributes": {"plan": "pro", "__proto__": "x"}}');

    // Act
    const result = mapProfileLine(line);

    // Assess
    expect(result).toEqual({
      ok: false,
      problem: {
        kind: 'bad-row',
        field: 'attributes.__proto__',
        reason: 'a field may not be named "__proto__" (JavaScript reserves the name); rename it',
      },
    });
  });
});
