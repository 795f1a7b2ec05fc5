import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../../../functions/core/patterns/index.ts';

/**
 * anything-but, numeric, cidr, exists and $or, with the patterns and events from the Amazon EventBridge user guide
 * ("Comparison operators", "Content filtering") and the Event Ruler README, positive and negative.
 * Exact values and the string operators are in values.test.ts.
 */

type Case = [name: string, pattern: Record<string, unknown>, event: unknown, expected: boolean];

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const rulerEvent = {
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

function check(cases: Case[]) {
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    // Act
    const matched = testEventPattern(pattern, event);
    // Assess
    expect(matched).toBe(expected);
  });
}

describe('anything-but', () => {
  check([
    [
      'state is not initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      withDetail({ state: 'running' }),
      true,
    ],
    [
      'state is initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    ['x-limit is not 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, rulerEvent, true],
    [
      'x-limit is 123',
      { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      withDetail({ 'x-limit': 123 }),
      false,
    ],
    [
      'x-limit is 123.0',
      { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      withDetail({ 'x-limit': 123.0 }),
      false,
    ],
    [
      'state is neither stopped nor overloaded',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      rulerEvent,
      true,
    ],
    [
      'state is overloaded',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      withDetail({ state: 'overloaded' }),
      false,
    ],
    [
      'x-limit not in 100, 200, 300',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      rulerEvent,
      true,
    ],
    [
      'x-limit is 200',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      withDetail({ 'x-limit': 200 }),
      false,
    ],
    [
      'state does not start with init',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      rulerEvent,
      true,
    ],
    [
      'state starts with init',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    [
      'Region is not in the US',
      { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      { Region: 'eu-west-1' },
      true,
    ],
    [
      'Region is in the US',
      { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      { Region: 'us-east-1' },
      false,
    ],
    [
      'prefix list: neither us- nor eu-',
      { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
      { Region: 'ap-south-1' },
      true,
    ],
    [
      'prefix list: eu-',
      { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
      { Region: 'eu-west-1' },
      false,
    ],
    [
      'FileName does not end with .png',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'a.txt' },
      true,
    ],
    [
      'FileName ends with .png',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'a.png' },
      false,
    ],
    [
      'state is not initializing in any case',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'running' },
      true,
    ],
    [
      'INITIALIZING is excluded',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'INITIALIZING' },
      false,
    ],
    [
      'ignore-case list',
      { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
      { state: 'Stopped' },
      false,
    ],
    [
      'FilePath does not include /lib/',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/bin/x' },
      true,
    ],
    [
      'FilePath includes /lib/',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/lib/x' },
      false,
    ],
    [
      'wildcard list',
      { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] },
      { FilePath: '/usr/bin/x' },
      false,
    ],
    [
      'a number is anything but a string',
      { state: [{ 'anything-but': 'initializing' }] },
      { state: 7 },
      true,
    ],
    ['null is anything but a string', { state: [{ 'anything-but': 'initializing' }] }, { state: null }, true],
    ['a missing field is not matched', { state: [{ 'anything-but': 'initializing' }] }, {}, false],
    [
      'an object value has no value to match',
      { state: [{ 'anything-but': 'initializing' }] },
      { state: { a: 'b' } },
      false,
    ],
  ]);
});

describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };
  check([
    ['c-count, d-count and x-limit all hold', pattern, rulerEvent, true],
    ['c-count 6 is above the range', pattern, withDetail({ 'c-count': 6 }), false],
    ['c-count 0 is excluded by >', pattern, withDetail({ 'c-count': 0 }), false],
    ['d-count 10 is excluded by <', pattern, withDetail({ 'd-count': 10 }), false],
    ['x-limit 301.80 equals 3.018e2', pattern, withDetail({ 'x-limit': 301.8 }), true],
    ['x-limit 301.9', pattern, withDetail({ 'x-limit': 301.9 }), false],
    ['numeric only matches JSON numbers', pattern, withDetail({ 'c-count': '5' }), false],
    ['>= includes the bound', { n: [{ numeric: ['>=', 5] }] }, { n: 5 }, true],
    ['< excludes the bound', { n: [{ numeric: ['<', 5] }] }, { n: 5 }, false],
    ['a closed range [0, 5]', { n: [{ numeric: ['>=', 0, '<=', 5] }] }, { n: 0 }, true],
    ['negative numbers', { n: [{ numeric: ['<', -1.5] }] }, { n: -2 }, true],
    ['precise to six decimals', { n: [{ numeric: ['>', 0.000001] }] }, { n: 0.000002 }, true],
    ['values beyond 5e9 are never in a range', { n: [{ numeric: ['>', 0] }] }, { n: 6e9 }, false],
    [
      'values with more than six decimals are not compared',
      { n: [{ numeric: ['>', 0] }] },
      { n: 0.0000001 },
      false,
    ],
  ]);
});

describe('cidr', () => {
  check([
    [
      '10.0.0.0/24 contains 10.0.0.33',
      { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      rulerEvent,
      true,
    ],
    ['10.0.0.0/24 contains 10.0.0.255', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
    ['10.0.0.0/24 does not contain 10.0.1.0', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
    ['10.0.0.0/8 contains 10.200.3.4', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.200.3.4' }, true],
    ['IPv6 2001:db8::/32', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:0db8:ffff::1' }, true],
    ['IPv6 outside the block', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
    ['an IPv4 address is not in an IPv6 block', { ip: [{ cidr: '::/0' }] }, { ip: '10.0.0.1' }, false],
    ['not an IP address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'localhost' }, false],
    [
      'the block is the whole network, host bits set or not',
      { ip: [{ cidr: '10.0.0.5/24' }] },
      { ip: '10.0.0.4' },
      true,
    ],
  ]);
});

describe('exists', () => {
  check([
    ['detail.c-count exists', { detail: { 'c-count': [{ exists: true }] } }, rulerEvent, true],
    ['detail.c-count is missing', { detail: { 'c-count': [{ exists: true }] } }, ec2Event, false],
    [
      'exists false: no c-count',
      { detail: { 'c-count': [{ exists: false }] } },
      { detail: { state: ['initializing', 'running'] } },
      true,
    ],
    ['exists false: c-count present', { detail: { 'c-count': [{ exists: false }] } }, rulerEvent, false],
    [
      'exists false matches an object value (not a leaf)',
      { detail: { 'c-count': [{ exists: false }] } },
      { detail: { 'c-count': { c1: 100 } } },
      true,
    ],
    [
      'exists true does not match an object value',
      { detail: { 'c-count': [{ exists: true }] } },
      { detail: { 'c-count': { c1: 100 } } },
      false,
    ],
    ['null exists', { a: [{ exists: true }] }, { a: null }, true],
    ['"" exists', { a: [{ exists: true }] }, { a: '' }, true],
    ['an empty array has no value', { a: [{ exists: true }] }, { a: [] }, false],
    ['an empty array is absent', { a: [{ exists: false }] }, { a: [] }, true],
    ['exists false with a missing parent', { detail: { a: [{ exists: false }] } }, {}, true],
    [
      'exists false when the parent is a string',
      { detail: { a: [{ exists: false }] } },
      { detail: 'x' },
      true,
    ],
    ['exists OR a value', { a: [{ exists: false }, 'x'] }, { a: 'x' }, true],
  ]);
});

describe('$or', () => {
  const metrics = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const numeric = {
    detail: {
      $or: [
        { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
        { 'd-count': [{ numeric: ['<', 10] }] },
        { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
      ],
    },
  };
  const nested = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      {
        metricType: ['MetricType'],
        namespace: ['AWS/EC2', 'AWS/ES'],
        $or: [{ metricId: [1234] }, { spaceId: [1000] }],
      },
      { scope: ['Service'] },
    ],
  };
  check([
    ['source and metricName', metrics, { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, true],
    ['source and namespace', metrics, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
    ['source but neither branch', metrics, { source: 'aws.cloudwatch', metricName: 'Other' }, false],
    ['a branch but not source', metrics, { source: 'aws.ec2', metricName: 'ReadLatency' }, false],
    ['$or inside detail: d-count', numeric, { detail: { 'c-count': 50, 'd-count': 3 } }, true],
    ['$or inside detail: none', numeric, { detail: { 'c-count': 50, 'd-count': 30, 'x-limit': 1 } }, false],
    [
      'nested $or: metricType, namespace and spaceId',
      nested,
      { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
      true,
    ],
    [
      'nested $or: without metricId or spaceId',
      nested,
      { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
      false,
    ],
    ['nested $or: scope', nested, { source: 'aws.cloudwatch', scope: 'Service' }, true],
  ]);
});
