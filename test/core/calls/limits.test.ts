import { describe, expect, it } from 'vitest';
import { callTargetKey } from '../../../functions/core/calls/limits.ts';

describe('callTargetKey', () => {
  it('counts an HTTP target by its origin, and a Lambda target by its function', () => {
    // Act
    const keys = [
      callTargetKey({ kind: 'http', url: 'https://crm.example.com/leads?x=1' }),
      callTargetKey({ kind: 'http', url: 'https://crm.example.com:8443/leads' }),
      callTargetKey({ kind: 'http', url: 'http://localhost:4000/a' }),
      callTargetKey({ kind: 'lambda', function: 'lead-score' }),
    ];

    // Assess
    expect(keys).toEqual([
      'https://crm.example.com',
      'https://crm.example.com:8443',
      'http://localhost:4000',
      'lambda:lead-score',
    ]);
  });
});
