import { describe, expect, it } from 'vitest';
import { isRecord } from '../../../functions/core/collections/is-record.ts';

describe('isRecord', () => {
  it('takes a JSON object, with or without fields, and nothing else JSON can hold', () => {
    // Prepare
    const objects: unknown[] = [{}, { a: 1 }, JSON.parse('{"__proto__": 1}')];
    const others: unknown[] = [null, [], [1], 'text', 0, true, undefined];

    // Act
    const answers = [...objects, ...others].map(isRecord);

    // Assess
    expect(answers).toEqual([...objects.map(() => true), ...others.map(() => false)]);
  });
});
