import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern, testEventPattern } from '../../../functions/core/patterns/index.ts';

/** Arrays in events ("Arrays in Amazon EventBridge event patterns", Event Ruler "JSON Array Matching"), and odd shapes. */

describe('arrays in events', () => {
  const resourcesPattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when the pattern list and the event array intersect', () => {
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(testEventPattern(resourcesPattern, event)).toBe(true);
  });

  it('does not match when they do not intersect, or the array is empty', () => {
    expect(testEventPattern(resourcesPattern, { resources: ['arn:aws:s3:::bucket'] })).toBe(false);
    expect(testEventPattern(resourcesPattern, { resources: [] })).toBe(false);
  });

  it('applies operators to each element', () => {
    expect(testEventPattern({ tags: [{ prefix: 'vip-' }] }, { tags: ['new', 'vip-gold'] })).toBe(true);
    expect(testEventPattern({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 95] })).toBe(true);
    expect(testEventPattern({ scores: [{ numeric: ['>', 90] }] }, { scores: [10, 50] })).toBe(false);
  });

  it('flattens nested arrays', () => {
    expect(testEventPattern({ a: ['x'] }, { a: [['y'], [['x']]] })).toBe(true);
  });

  it('anything-but matches when any element is not excluded', () => {
    expect(testEventPattern({ tags: [{ 'anything-but': 'spam' }] }, { tags: ['spam', 'news'] })).toBe(true);
    expect(testEventPattern({ tags: [{ 'anything-but': 'spam' }] }, { tags: ['spam'] })).toBe(false);
    expect(testEventPattern({ tags: [{ 'anything-but': 'spam' }] }, { tags: [] })).toBe(false);
  });

  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };

  it('matches a field of any object in an array of objects', () => {
    expect(testEventPattern({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
    expect(testEventPattern({ employees: { firstName: ['Maria'] } }, employees)).toBe(false);
  });

  it('requires the fields of one pattern object to match within the same element (array consistency)', () => {
    expect(testEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees)).toBe(
      true,
    );
    expect(testEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(
      false,
    );
  });

  it('keeps the fields of one item together (the docs/patterns.md example)', () => {
    const order = {
      items: [
        { sku: 'A', qty: 1 },
        { sku: 'B', qty: 5 },
      ],
    };
    expect(testEventPattern({ items: { sku: ['A'] } }, order)).toBe(true);
    expect(testEventPattern({ items: { sku: ['A'], qty: [5] } }, order)).toBe(false);
    expect(testEventPattern({ items: { sku: ['B'], qty: [5] } }, order)).toBe(true);
  });

  it('looks into multi-level arrays of objects', () => {
    const event = {
      employees: [
        [
          { firstName: 'John', lastName: 'Doe' },
          { firstName: 'Anna', lastName: 'Smith' },
        ],
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    };
    expect(testEventPattern({ employees: { firstName: ['Peter'], lastName: ['Jones'] } }, event)).toBe(true);
    expect(testEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
  });

  it('evaluates $or members within the same element', () => {
    const pattern = { items: { sku: ['A'], $or: [{ qty: [{ numeric: ['>', 1] }] }, { gift: [true] }] } };
    expect(
      testEventPattern(pattern, {
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', gift: true },
        ],
      }),
    ).toBe(false);
    expect(
      testEventPattern(pattern, {
        items: [
          { sku: 'B', qty: 1 },
          { sku: 'A', gift: true },
        ],
      }),
    ).toBe(true);
  });

  it('tries exists: false against each element', () => {
    const pattern = { items: { coupon: [{ exists: false }] } };
    expect(testEventPattern(pattern, { items: [{ coupon: 'X' }, { sku: 'A' }] })).toBe(true);
    expect(testEventPattern(pattern, { items: [{ coupon: 'X' }] })).toBe(false);
    expect(testEventPattern(pattern, { items: [] })).toBe(true);
  });

  it('does not match a leaf pattern against an array of objects', () => {
    expect(testEventPattern({ employees: ['Anna'] }, employees)).toBe(false);
    expect(testEventPattern({ employees: [{ exists: true }] }, employees)).toBe(false);
  });
});

describe('events of any shape', () => {
  const compiled = compilePattern({ detail: { state: ['running'] }, flag: [{ exists: false }] });
  if (!compiled.ok) throw new Error('pattern should compile');

  it.each([
    ['null', null],
    ['a string', 'running'],
    ['a number', 42],
    ['an array', [1, 'two', null]],
    ['an array of events', [{ detail: { state: 'stopped' } }]],
    ['detail as a string', { detail: 'running' }],
    ['detail as an array of strings', { detail: ['running'] }],
    ['state as an object', { detail: { state: { running: true } } }],
    ['undefined', undefined],
  ])('does not throw and does not match %s', (_name, event) => {
    expect(matchesPattern(compiled.pattern, event)).toBe(false);
  });

  it('matches a top-level array of events when one element matches (arrays are flattened)', () => {
    expect(
      matchesPattern(compiled.pattern, [{ detail: { state: 'stopped' } }, { detail: { state: 'running' } }]),
    ).toBe(true);
  });

  it('matches only exists: false against a non-object event', () => {
    const absent = compilePattern({ userId: [{ exists: false }] });
    if (!absent.ok) throw new Error('pattern should compile');
    expect(matchesPattern(absent.pattern, 'text')).toBe(true);
    expect(matchesPattern(absent.pattern, null)).toBe(true);
  });

  it('ignores inherited properties such as constructor', () => {
    expect(testEventPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(testEventPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });

  it('survives deeply nested and self-referencing arrays', () => {
    let deep: unknown = ['running'];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(testEventPattern({ state: ['running'] }, { state: deep })).toBe(false);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(testEventPattern({ state: ['running'] }, { state: cyclic })).toBe(false);
  });

  it('matches a profile view like any other document', () => {
    const profile = {
      userId: 'usr_1001',
      stage: 'vip',
      traits: { locale: 'en-GB', orders: 7, interests: ['tea', 'coffee'] },
    };
    const pattern = {
      stage: ['vip', 'active'],
      traits: { locale: [{ prefix: 'en-' }], orders: [{ numeric: ['>=', 5] }], interests: ['coffee'] },
    };
    expect(testEventPattern(pattern, profile)).toBe(true);
    expect(testEventPattern(pattern, { ...profile, stage: 'at_risk' })).toBe(false);
  });
});

describe('compile once, match many', () => {
  it('gives the same answers on every call', () => {
    const compiled = compilePattern({
      detail: { price: [{ numeric: ['>', 10] }], sku: [{ wildcard: 'KET-*' }] },
    });
    if (!compiled.ok) throw new Error('pattern should compile');
    const yes = { detail: { price: 49, sku: 'KET-GN-10' } };
    const no = { detail: { price: 5, sku: 'KET-GN-10' } };
    for (let i = 0; i < 3; i++) {
      expect(matchesPattern(compiled.pattern, yes)).toBe(true);
      expect(matchesPattern(compiled.pattern, no)).toBe(false);
    }
  });
});
