import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidPatternError,
  type PatternProblem,
  testEventPattern,
} from '../../../functions/core/patterns/index.ts';

/** Patterns EventBridge rejects, with EventBridge's message (where known) and the path inside the pattern. */

function problemsOf(pattern: unknown): PatternProblem[] {
  const result = compilePattern(pattern);
  return result.ok ? [] : result.problems;
}

type Case = [pattern: unknown, path: (string | number)[], message: string];

const cases: Record<string, Case[]> = {
  structure: [
    ['Order Completed', [], 'Filter is not an object (pass the parsed JSON object, not its text)'],
    [[{ source: ['x'] }], [], 'Filter is not an object'],
    [null, [], 'Filter is not an object'],
    [{}, [], 'Empty objects are not allowed'],
    [{ detail: {} }, ['detail'], 'Empty objects are not allowed'],
    [{ 'detail-type': 'Order Completed' }, ['detail-type'], '"detail-type" must be an object or an array'],
    [{ detail: { price: 5 } }, ['detail', 'price'], '"price" must be an object or an array'],
    [{ detail: { ok: null } }, ['detail', 'ok'], '"ok" must be an object or an array'],
    [
      { email: { prefix: 'a' } },
      ['email', 'prefix'],
      '"prefix" must be an object or an array; operators go inside a list, e.g. "field": [{"prefix": ...}]',
    ],
    [{ source: [] }, ['source'], 'Empty arrays are not allowed'],
    [{ source: [['aws.ec2']] }, ['source', 0], 'Match value must be String, number, true, false, or null'],
  ],
  'match expressions': [
    [{ source: [{}] }, ['source', 0], 'Match expression name not found'],
    [{ source: [{ prefix: 'a', suffix: 'b' }] }, ['source', 0], 'Only one key allowed in match expression'],
    [
      { source: [{ prefx: 'aws.' }] },
      ['source', 0, 'prefx'],
      'Unrecognized match type prefx; did you mean "prefix"?',
    ],
    [{ source: [{ regex: 'a.*' }] }, ['source', 0, 'regex'], 'Unrecognized match type regex'],
    [
      { source: [{ anythingbut: 'x' }] },
      ['source', 0, 'anythingbut'],
      'Unrecognized match type anythingbut; did you mean "anything-but"?',
    ],
    [{ source: [{ prefix: 5 }] }, ['source', 0, 'prefix'], 'prefix match pattern must be a string'],
    [{ source: [{ suffix: ['a'] }] }, ['source', 0, 'suffix'], 'suffix match pattern must be a string'],
    [{ source: [{ prefix: {} }] }, ['source', 0, 'prefix'], 'Prefix expression name not found'],
    [
      { source: [{ suffix: { 'equals-ignore-case': 1 } }] },
      ['source', 0, 'suffix', 'equals-ignore-case'],
      'equals-ignore-case match pattern must be a string',
    ],
    [
      { source: [{ prefix: { 'equals-ignor-case': 'a' } }] },
      ['source', 0, 'prefix', 'equals-ignor-case'],
      'Unsupported prefix pattern: equals-ignor-case; did you mean "equals-ignore-case"?',
    ],
    [
      { source: [{ 'equals-ignore-case': ['a'] }] },
      ['source', 0, 'equals-ignore-case'],
      'equals-ignore-case match pattern must be a string',
    ],
    [
      { source: [{ exists: 'true' }] },
      ['source', 0, 'exists'],
      'exists match pattern must be either true or false.',
    ],
    [{ source: [{ wildcard: 7 }] }, ['source', 0, 'wildcard'], 'wildcard match pattern must be a string'],
  ],
  wildcard: [
    [
      { email: [{ wildcard: '*@**.example.com' }] },
      ['email', 0, 'wildcard'],
      'Consecutive wildcard characters at pos 3',
    ],
    [{ key: [{ wildcard: 'abc**def' }] }, ['key', 0, 'wildcard'], 'Consecutive wildcard characters at pos 4'],
    [{ key: [{ wildcard: 'é**' }] }, ['key', 0, 'wildcard'], 'Consecutive wildcard characters at pos 3'],
    [{ key: [{ wildcard: 'a\\bc' }] }, ['key', 0, 'wildcard'], 'Invalid escape character at pos 2'],
    [{ key: [{ wildcard: 'abc\\' }] }, ['key', 0, 'wildcard'], 'Invalid escape character at pos 4'],
  ],
  'anything-but': [
    [
      { s: [{ 'anything-but': true }] },
      ['s', 0, 'anything-but'],
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      { s: [{ 'anything-but': null }] },
      ['s', 0, 'anything-but'],
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      { s: [{ 'anything-but': ['a', 1] }] },
      ['s', 0, 'anything-but'],
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      { s: [{ 'anything-but': [] }] },
      ['s', 0, 'anything-but'],
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      { s: [{ 'anything-but': ['a', null] }] },
      ['s', 0, 'anything-but', 1],
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      { s: [{ 'anything-but': [1e10] }] },
      ['s', 0, 'anything-but', 0],
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [{ s: [{ 'anything-but': {} }] }, ['s', 0, 'anything-but'], 'Anything-But expression name not found'],
    [
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      ['s', 0, 'anything-but', 'numeric'],
      'Unsupported anything-but pattern: numeric',
    ],
    [
      { s: [{ 'anything-but': { prefx: 'a' } }] },
      ['s', 0, 'anything-but', 'prefx'],
      'Unsupported anything-but pattern: prefx; did you mean "prefix"?',
    ],
    [
      { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      ['s', 0, 'anything-but'],
      'Only one key allowed in match expression',
    ],
    [
      { s: [{ 'anything-but': { prefix: '' } }] },
      ['s', 0, 'anything-but', 'prefix'],
      'Null prefix/suffix not allowed',
    ],
    [
      { s: [{ 'anything-but': { suffix: 5 } }] },
      ['s', 0, 'anything-but', 'suffix'],
      'prefix/suffix match pattern must be a string',
    ],
    [
      { s: [{ 'anything-but': { prefix: true } }] },
      ['s', 0, 'anything-but', 'prefix'],
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      { s: [{ 'anything-but': { 'equals-ignore-case': 5 } }] },
      ['s', 0, 'anything-but', 'equals-ignore-case'],
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [
      { s: [{ 'anything-but': { 'equals-ignore-case': ['a', 1] } }] },
      ['s', 0, 'anything-but', 'equals-ignore-case', 1],
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [
      { s: [{ 'anything-but': { wildcard: ['*/lib/*', 'a**'] } }] },
      ['s', 0, 'anything-but', 'wildcard', 1],
      'Consecutive wildcard characters at pos 2',
    ],
    [
      { s: [{ 'anything-but': { wildcard: 3 } }] },
      ['s', 0, 'anything-but', 'wildcard'],
      'wildcard match pattern must be a string',
    ],
    [
      { s: [{ 'anything-but': { wildcard: [] } }] },
      ['s', 0, 'anything-but', 'wildcard'],
      'Empty arrays are not allowed',
    ],
  ],
  numeric: [
    [{ n: [{ numeric: '>5' }] }, ['n', 0, 'numeric'], 'Value of numeric must be an array.'],
    [{ n: [{ numeric: [] }] }, ['n', 0, 'numeric'], 'Invalid member in numeric match: ]'],
    [{ n: [{ numeric: [5, '>'] }] }, ['n', 0, 'numeric', 0], 'Invalid member in numeric match: 5'],
    [{ n: [{ numeric: ['!=', 5] }] }, ['n', 0, 'numeric', 0], 'Unrecognized numeric range operator: !='],
    [{ n: [{ numeric: ['=', '5'] }] }, ['n', 0, 'numeric', 1], 'Value of equals must be numeric'],
    [{ n: [{ numeric: ['>'] }] }, ['n', 0, 'numeric'], 'Value of > must be numeric'],
    [{ n: [{ numeric: ['=', 5, 6] }] }, ['n', 0, 'numeric', 2], 'Too many elements in numeric expression'],
    [
      { n: [{ numeric: ['<', 5, '>', 0] }] },
      ['n', 0, 'numeric', 2],
      'Too many elements in numeric expression',
    ],
    [{ n: [{ numeric: ['>', 0, 5] }] }, ['n', 0, 'numeric', 2], 'Bad value in numeric range: 5'],
    [{ n: [{ numeric: ['>', 0, '>', 5] }] }, ['n', 0, 'numeric', 2], 'Bad numeric range operator: >'],
    [{ n: [{ numeric: ['>', 0, '<='] }] }, ['n', 0, 'numeric'], 'Value of <= must be numeric'],
    [{ n: [{ numeric: ['>', 0, '<', null] }] }, ['n', 0, 'numeric', 3], 'Value of < must be numeric'],
    [
      { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] },
      ['n', 0, 'numeric', 4],
      'Too many terms in numeric range expression',
    ],
    [{ n: [{ numeric: ['>', 5, '<', 5] }] }, ['n', 0, 'numeric'], 'Bottom must be less than top'],
    [{ n: [{ numeric: ['>=', 10, '<=', 1] }] }, ['n', 0, 'numeric'], 'Bottom must be less than top'],
    [{ n: [{ numeric: ['>', 5e9] }] }, ['n', 0, 'numeric'], 'Bottom must be less than top'],
    [
      { n: [{ numeric: ['>', 5.000000001e9] }] },
      ['n', 0, 'numeric', 1],
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      { n: [{ numeric: ['<', -6e9] }] },
      ['n', 0, 'numeric', 1],
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      { n: [{ numeric: ['=', 0.0000001] }] },
      ['n', 0, 'numeric', 1],
      'Only values upto 6 decimals are supported',
    ],
  ],
  cidr: [
    [{ ip: [{ cidr: '10.0.0.0' }] }, ['ip', 0, 'cidr'], "Malformed CIDR, one '/' required"],
    [{ ip: [{ cidr: '10.0.0.0/8/8' }] }, ['ip', 0, 'cidr'], "Malformed CIDR, one '/' required"],
    [{ ip: [{ cidr: '10.0.0.0/x' }] }, ['ip', 0, 'cidr'], 'Malformed CIDR, mask bits must be an integer'],
    [{ ip: [{ cidr: '10.0.0.0/-1' }] }, ['ip', 0, 'cidr'], 'Malformed CIDR, mask bits must not be negative'],
    [{ ip: [{ cidr: '10.0.0.0/32' }] }, ['ip', 0, 'cidr'], 'IPv4 mask bits must be < 32'],
    [{ ip: [{ cidr: '2001:db8::/128' }] }, ['ip', 0, 'cidr'], 'IPv6 mask bits must be < 128'],
    [{ ip: [{ cidr: '10.0.0.256/24' }] }, ['ip', 0, 'cidr'], 'Invalid IP address: 10.0.0.256'],
    [{ ip: [{ cidr: '2001:db8:::1/64' }] }, ['ip', 0, 'cidr'], 'Invalid IP address: 2001:db8:::1'],
    [{ ip: [{ cidr: 'example.com/24' }] }, ['ip', 0, 'cidr'], 'Nonstandard IP address: example.com'],
    [{ ip: [{ cidr: 10 }] }, ['ip', 0, 'cidr'], 'cidr match pattern must be a string'],
  ],
  $or: [
    [{ $or: { a: ['1'] } }, ['$or'], 'It must be an Array followed with $or.'],
    [{ $or: [{ a: ['1'] }] }, ['$or'], 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: [] }, ['$or'], 'There must have at least 2 Objects in $or relationship.'],
    [{ $or: [{ a: ['1'] }, ['b']] }, ['$or', 1], 'Only JSON object is allowed in array of $or relationship.'],
    [{ $or: [{ a: ['1'] }, {}] }, ['$or', 1], 'Empty objects are not allowed'],
    [
      { $or: [{ a: ['1'] }, { numeric: [1] }] },
      ['$or', 1, 'numeric'],
      'numeric is a reserved word and cannot be used as a field name inside $or.',
    ],
    [
      { $or: [{ a: ['1'] }, { b: { prefix: ['x'] } }] },
      ['$or', 1, 'b', 'prefix'],
      'prefix is a reserved word and cannot be used as a field name inside $or.',
    ],
    [
      { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] },
      ['$or', 0, 'a'],
      'Path `a` cannot be allowed multiple times: it is also matched at a',
    ],
    [
      { detail: { a: ['1'] }, $or: [{ b: ['3'] }, { detail: { a: ['2'] } }] },
      ['$or', 1, 'detail', 'a'],
      'Path `detail.a` cannot be allowed multiple times: it is also matched at detail.a',
    ],
    [
      { 'a.b': ['1'], a: { b: ['2'] } },
      ['a', 'b'],
      'Path `a.b` cannot be allowed multiple times: it is also matched at ["a.b"]',
    ],
  ],
};

describe.each(Object.entries(cases))('invalid patterns: %s', (_group, rows) => {
  it.each(rows)('%j', (pattern, path, message) => {
    // Act
    const problems = problemsOf(pattern);
    // Assess
    expect(problems).toEqual([{ path, message }]);
  });
});

describe('valid patterns', () => {
  it.each([
    [{ a: ['1'], $or: [{ b: ['2'] }, { c: ['3'] }] }],
    [{ $or: [{ a: ['1'] }, { a: ['2'] }] }],
    [{ prefix: ['x'], numeric: [{ numeric: ['>', 1] }] }],
    [{ s: [{ 'anything-but': { prefix: ['a', 'b'] } }] }],
    [{ n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] }],
    [{ ip: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }, { cidr: '10.0.0.0/+8' }] }],
    [{ n: [123456789012, 0.1234567, 1e300] }],
  ])('accepts %j', (pattern) => {
    expect(compilePattern(pattern).ok).toBe(true);
  });
});

describe('every problem is reported', () => {
  it('lists all the problems in one pattern, in document order', () => {
    // Prepare
    const pattern = {
      source: 'com.example.shop',
      detail: {
        price: [{ numeric: ['>', 'ten'] }],
        email: [{ wildcard: '**@example.com' }, { prefix: 1 }],
        ip: [{ cidr: '10.0.0.0/33' }],
      },
      $or: [{ stage: ['vip'] }],
    };
    // Act
    const problems = problemsOf(pattern);
    // Assess
    expect(problems).toEqual([
      { path: ['source'], message: '"source" must be an object or an array' },
      { path: ['detail', 'price', 0, 'numeric', 1], message: 'Value of > must be numeric' },
      { path: ['detail', 'email', 0, 'wildcard'], message: 'Consecutive wildcard characters at pos 1' },
      { path: ['detail', 'email', 1, 'prefix'], message: 'prefix match pattern must be a string' },
      { path: ['detail', 'ip', 0, 'cidr'], message: 'IPv4 mask bits must be < 32' },
      { path: ['$or'], message: 'There must have at least 2 Objects in $or relationship.' },
    ]);
  });

  it('rejects a pattern nested too deeply instead of overflowing the stack', () => {
    let pattern: Record<string, unknown> = { leaf: ['x'] };
    for (let i = 0; i < 5000; i++) pattern = { next: pattern };
    const problems = problemsOf(pattern);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('Pattern is nested too deeply (more than 100 levels)');
  });
});

describe('testEventPattern', () => {
  it('throws InvalidPatternError with every problem, never returning "no match"', () => {
    // Act
    const act = () =>
      testEventPattern({ source: 'aws.ec2', detail: { n: [{ numeric: ['>'] }] } }, { source: 'aws.ec2' });
    // Assess
    expect(act).toThrow(InvalidPatternError);
    expect(act).toThrow(
      'Invalid event pattern: source: "source" must be an object or an array; detail.n[0].numeric: Value of > must be numeric',
    );
    try {
      act();
    } catch (error) {
      expect(error instanceof InvalidPatternError && error.problems).toHaveLength(2);
    }
  });
});
