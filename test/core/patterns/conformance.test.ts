import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  formatPatternProblems,
  testEventPattern,
} from '../../../functions/core/patterns/index.ts';

/** The problems of a pattern as `path: message`, or [] when it compiles. */
function problemsOf(pattern: unknown): string[] {
  const compiled = compilePattern(pattern);
  return compiled.ok ? [] : formatPatternProblems(compiled.problems);
}

const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';

describe('EventBridge conformance: dotted field names are joined with nested ones', () => {
  it.each([
    [
      'a dotted event field against a nested pattern',
      { state: { status: ['on'] } },
      { 'state.status': 'on' },
      true,
    ],
    [
      'a dotted pattern field against a nested event',
      { 'state.status': ['on'] },
      { state: { status: 'on' } },
      true,
    ],
    [
      'a dotted pattern field against a dotted event field',
      { 'state.status': ['on'] },
      { 'state.status': 'on' },
      true,
    ],
    ['a partly dotted event', { a: { b: { c: [1] } } }, { 'a.b': { c: 1 } }, true],
    ['a partly dotted pattern', { 'a.b': { c: [1] } }, { a: { 'b.c': 1 } }, true],
    ['the other value', { 'state.status': ['on'] }, { state: { status: 'off' } }, false],
    [
      'exists through a dotted field',
      { 'state.status': [{ exists: true }] },
      { state: { status: 'x' } },
      true,
    ],
    [
      'exists false through a dotted field',
      { 'state.status': [{ exists: false }] },
      { state: { status: 'x' } },
      false,
    ],
    ['a dotted path through an array', { 'items.sku': ['B'] }, { items: [{ sku: 'A' }, { sku: 'B' }] }, true],
    [
      'both spellings in one event',
      { state: { status: ['on'] } },
      { state: { status: 'off' }, 'state.status': 'on' },
      true,
    ],
  ])('%s', (_name, pattern, event, expected) => {
    // Act
    const matched = testEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it('does not change the event it matches', () => {
    // Prepare
    const event = { detail: { 'state.status': 'on' } };

    // Act
    testEventPattern({ detail: { state: { status: ['on'] } } }, event);

    // Assess
    expect(event).toEqual({ detail: { 'state.status': 'on' } });
  });
});

describe('EventBridge conformance: a CIDR block is its network, host bits or not', () => {
  it.each([
    ['10.0.0.5/24', '10.0.0.0', true],
    ['10.0.0.5/24', '10.0.0.4', true],
    ['10.0.0.5/24', '10.0.0.255', true],
    ['10.0.0.5/24', '10.0.1.0', false],
    ['2001:db8::1/32', '2001:db8::', true],
    ['2001:db8::1/32', '2001:db9::', false],
  ])('%s holds %s: %s', (cidr, ip, expected) => {
    // Act
    const matched = testEventPattern({ ip: [{ cidr }] }, { ip });

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('EventBridge conformance: wildcard patterns that are too complex are refused', () => {
  it.each([['*a*a*a*a*a*a*a*a*a*a*a*a*'], ['*ab*ab*ab*ab*ab*ab*ab*ab*ab*ab*ab*']])(
    "refuses %s with EventBridge's message",
    (wildcard) => {
      // Act
      const problems = problemsOf({ detail: { name: [{ wildcard }] } });

      // Assess
      expect(problems).toEqual([`detail.name: ${TOO_COMPLEX}`]);
    },
  );

  it('counts every wildcard of one field together, anything-but included', () => {
    // Prepare: each alone is simple, together they can be in many places at once
    const wildcards = Array.from({ length: 12 }, (_, i) => ({ wildcard: `*x${i}*` }));

    // Act
    const problems = problemsOf({ name: wildcards });

    // Assess
    expect(problems).toEqual([`name: ${TOO_COMPLEX}`]);
  });

  it.each([['dir/*.png'], ['*/lib/*'], ['*@example.com'], ['a*b*c*d'], ['*.*.*']])(
    'accepts %s',
    (wildcard) => {
      // Act
      const problems = problemsOf({ detail: { name: [{ wildcard }, { 'anything-but': { wildcard } }] } });

      // Assess
      expect(problems).toEqual([]);
    },
  );
});
