import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../../../functions/core/patterns/index.ts';

/**
 * Exact values and the string operators, with the patterns and events from the Amazon EventBridge user guide
 * ("Event patterns", "Comparison operators", "Content filtering") and the Event Ruler README, positive and negative.
 * The other operators are in operators.test.ts.
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

function check(cases: Case[]) {
  it.each(cases)('%s', (_name, pattern, event, expected) => {
    // Act
    const matched = testEventPattern(pattern, event);
    // Assess
    expect(matched).toBe(expected);
  });
}

describe('exact values', () => {
  const ec2Pattern = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };
  const launch = {
    source: 'aws.autoscaling',
    'detail-type': 'EC2 Instance Launch Successful',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };
  check([
    ['the EC2 termination pattern matches the termination event', ec2Pattern, ec2Event, true],
    ['it does not match another state', ec2Pattern, { ...ec2Event, detail: { state: 'running' } }, false],
    [
      'source is aws.ec2 or aws.fargate',
      { source: ['aws.ec2', 'aws.fargate'] },
      { source: 'aws.fargate' },
      true,
    ],
    ['source is neither', { source: ['aws.ec2', 'aws.fargate'] }, { source: 'aws.s3' }, false],
    ['strings are case-sensitive', { source: ['aws.ec2'] }, { source: 'AWS.EC2' }, false],
    ['fields absent from the pattern are ignored', { detail: { state: ['terminated'] } }, ec2Event, true],
    ['a field named in the pattern must be in the event', { detail: { zone: ['a'] } }, ec2Event, false],
    ['fields AND together', { source: ['aws.ec2'], region: ['eu-west-1'] }, ec2Event, false],
    [
      'Location and Day',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Monday' },
      true,
    ],
    ['empty string matches ""', { detail: { eventVersion: [''] } }, launch, true],
    ['null matches null', { detail: { responseElements: [null] } }, launch, true],
    ['empty string does not match null', { detail: { responseElements: [''] } }, launch, false],
    ['null does not match empty string', { detail: { eventVersion: [null] } }, launch, false],
    ['LastName is empty', { LastName: [''] }, { LastName: '' }, true],
    ['"" does not match a missing field', { LastName: [''] }, {}, false],
    ['Name is "Alice"', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['true matches true', { detail: { paid: [true] } }, { detail: { paid: true } }, true],
    ['true does not match "true"', { detail: { paid: [true] } }, { detail: { paid: 'true' } }, false],
    ['false does not match null', { detail: { paid: [false] } }, { detail: { paid: null } }, false],
    [
      'risk-score 80 and trigger risk 8',
      { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      { detail: { 'risk-score': 80, trigger: { risk: 8 } } },
      true,
    ],
    [
      'risk 8 but trigger risk 9',
      { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      { detail: { 'risk-score': 80, trigger: { risk: 9 } } },
      false,
    ],
    ['300 matches 300.0 (numeric equality)', { detail: { n: [300] } }, { detail: { n: 300.0 } }, true],
    ['3.0e2 matches 300', { detail: { n: [3.0e2] } }, { detail: { n: 300 } }, true],
    ['a number does not match its string', { detail: { n: [300] } }, { detail: { n: '300' } }, false],
    ['a string does not match the number', { detail: { n: ['300'] } }, { detail: { n: 300 } }, false],
    [
      'an account number beyond 5e9 matches itself',
      { account: [123456789012] },
      { account: 123456789012 },
      true,
    ],
  ]);
});

describe('prefix and suffix', () => {
  check([
    [
      'time starts with 2017-10-02',
      { time: [{ prefix: '2017-10-02' }] },
      { time: '2017-10-02T18:43:48Z' },
      true,
    ],
    ['time on another day', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' }, false],
    ['Region is in the US', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' }, true],
    ['Region is not in the US', { Region: [{ prefix: 'us-' }] }, { Region: 'eu-west-1' }, false],
    ['prefix is case-sensitive', { Region: [{ prefix: 'us-' }] }, { Region: 'US-EAST-1' }, false],
    ['prefix only matches strings', { n: [{ prefix: '5' }] }, { n: 55 }, false],
    ['an empty prefix matches any string', { n: [{ prefix: '' }] }, { n: 'x' }, true],
    ['an empty prefix matches no number', { n: [{ prefix: '' }] }, { n: 1 }, false],
    [
      'service starts with EventB in any case',
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service: 'eventbridge' } },
      true,
    ],
    [
      'EVENTB... also',
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service: 'EVENTBRIDGE' } },
      true,
    ],
    [
      'ignore-case prefix still anchors at the start',
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service: 'my-eventbridge' } },
      false,
    ],
    ['FileName ends with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['FileName ends with .PNG', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
    [
      'FileName ends with .png in any case',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      { detail: { FileName: 'IMAGE.PNG' } },
      true,
    ],
    [
      'service ends with tBridge in any case',
      { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
      { service: 'EVENTBRIDGE' },
      true,
    ],
    [
      'ignore-case suffix anchors at the end',
      { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] },
      { service: 'tbridges' },
      false,
    ],
    ['source ends with ec2', { source: [{ suffix: 'ec2' }] }, { source: 'aws.ec2' }, true],
  ]);
});

describe('equals-ignore-case', () => {
  check([
    ['Name is alice in any case', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alice' }, true],
    ['ALICE too', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['but not alicia', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'Alicia' }, false],
    ['nor a longer value', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'alice2' }, false],
    ['source is EC2', { source: [{ 'equals-ignore-case': 'EC2' }] }, { source: 'ec2' }, true],
    [
      'each character may take either case ("ß" matches "SS")',
      { city: [{ 'equals-ignore-case': 'straße' }] },
      { city: 'STRASSE' },
      true,
    ],
    ['only strings', { n: [{ 'equals-ignore-case': '1' }] }, { n: 1 }, false],
  ]);
});

describe('wildcard', () => {
  const bus = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
  check([
    [
      'an event bus in us-east-1',
      bus,
      { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
      true,
    ],
    [
      'an event bus in another region',
      bus,
      { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/orders' },
      false,
    ],
    ['Simple*Service', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' }, true],
    [
      '* matches nothing too',
      { source: [{ wildcard: 'Simple*Service' }] },
      { source: 'SimpleService' },
      true,
    ],
    ['the parts must not overlap', { v: [{ wildcard: 'ab*ba' }] }, { v: 'aba' }, false],
    ['a middle part may not reuse the suffix', { v: [{ wildcard: '*ab*b' }] }, { v: 'ab' }, false],
    ['a middle part before the suffix', { v: [{ wildcard: '*ab*b' }] }, { v: 'abb' }, true],
    ['dir/*.png', { FilePath: [{ wildcard: 'dir/*.png' }] }, { FilePath: 'dir/sub/file.png' }, true],
    [
      'dir/*.png rejects .jpg',
      { FilePath: [{ wildcard: 'dir/*.png' }] },
      { FilePath: 'dir/file.jpg' },
      false,
    ],
    ['several wildcards', { v: [{ wildcard: '*a*b*c*' }] }, { v: 'xxaxxbxxcxx' }, true],
    ['several wildcards, out of order', { v: [{ wildcard: '*a*b*c*' }] }, { v: 'xxcxxbxxaxx' }, false],
    ['no wildcard is exact', { v: [{ wildcard: 'abc' }] }, { v: 'abcd' }, false],
    ['\\* is a literal asterisk', { v: [{ wildcard: 'a\\*c' }] }, { v: 'a*c' }, true],
    ['\\* does not match other characters', { v: [{ wildcard: 'a\\*c' }] }, { v: 'abc' }, false],
    ['\\\\ is a literal backslash', { v: [{ wildcard: 'a\\\\*' }] }, { v: 'a\\b' }, true],
    ['"*" matches any string', { v: [{ wildcard: '*' }] }, { v: '' }, true],
    ['"*" matches no number', { v: [{ wildcard: '*' }] }, { v: 1 }, false],
  ]);
});
