import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseConfigFile } from '../../../functions/core/diagnostics/config-file.ts';

const Overrides = z.record(z.string(), z.record(z.string(), z.unknown()));

describe('parseConfigFile', () => {
  it('refuses a field named __proto__ at its file:line:column, where the schema would drop it unseen', () => {
    // Prepare
    const text = 'production:\n  caps: 3\n  __proto__:\n    quietHours: off\n';

    // Act
    const parsed = parseConfigFile(Overrides, 'policies.yaml', text);

    // Assess
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        file: 'policies.yaml',
        line: 3,
        column: 3,
        path: 'production.__proto__',
        message: 'a field may not be named "__proto__" (JavaScript reserves the name); rename it',
      },
    ]);
  });

  it('reads a file without one as the schema says', () => {
    // Act
    const parsed = parseConfigFile(Overrides, 'policies.yaml', 'production:\n  caps: 3\n');

    // Assess
    expect(parsed).toMatchObject({ value: { production: { caps: 3 } }, problems: [] });
  });
});
