import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { memoryIo, tempDir } from './support.ts';

// Acceptance for issue 18: Pinpoint segments of every dimension type, imported, select over a profile set the
// customers that Pinpoint's documented semantics select. The semantics, from the API reference
// (SegmentDimensions, AttributeDimension, SetDimension, MetricDimension, RecencyDimension, SegmentGroupList):
// - AttributeDimension INCLUSIVE: endpoints with an attribute value among the values are included; EXCLUSIVE:
//   they are excluded (an endpoint without the attribute is not); CONTAINS: a value's substring matches;
//   ON: the value read as an ISO_INSTANT is on that date, time ignored. BEFORE, AFTER, BETWEEN compare
//   datetimes (not mapped: an EventBridge pattern cannot compare text).
// - MetricDimension: the endpoint's metric compared with Value by ComparisonOperator; no metric, no match.
// - SetDimension (Demographic.Channel, Location.Country): INCLUSIVE the endpoint's value is among the values,
//   EXCLUSIVE it is not.
// - Recency ACTIVE / INACTIVE: the endpoint was / was not active within Duration.
// - SegmentGroups: in a group, the source segments (SourceType ALL: in every one; ANY: in one) filtered by
//   the dimensions (Type ALL: every one holds; ANY: one holds; NONE: none holds); groups combined by Include.
// Pinpoint selects endpoints; a customer is expected where one of their endpoints is selected.
// The pipeline is the machine's: the endpoint export through `cairn import profiles --format pinpoint`, the
// segments through `cairn pinpoint import`, membership through `cairn segments export`.

const AS_OF = '2026-11-10T00:00:00.000Z';
const DAY = 86_400_000;

const endpoint = (
  userId: string,
  ChannelType: string,
  Address: string,
  extra: {
    user?: Record<string, string[]>;
    attributes?: Record<string, string[]>;
    country: string;
    orders?: number;
  },
) => ({
  Id: `${userId}-${ChannelType.toLowerCase()}`,
  ChannelType,
  Address,
  EndpointStatus: 'ACTIVE',
  OptOut: 'NONE',
  Location: { Country: extra.country },
  ...(extra.attributes ? { Attributes: extra.attributes } : {}),
  ...(extra.orders === undefined ? {} : { Metrics: { orders: extra.orders } }),
  User: { UserId: userId, ...(extra.user ? { UserAttributes: extra.user } : {}) },
});

const eve = {
  user: { plan: ['enterprise'], interests: ['golf'], signup: ['2022-01-05T12:00:00Z'] },
  attributes: { tier: ['gold'] },
  country: 'DE',
  orders: 10,
};

/** The profile set: five customers, eve with two endpoints (email and SMS). */
const ENDPOINTS = [
  endpoint('ana', 'EMAIL', 'ana@example.com', {
    user: { plan: ['pro'], interests: ['running', 'yoga'], signup: ['2024-03-15T10:00:00Z'] },
    attributes: { tier: ['gold'] },
    country: 'GB',
    orders: 5,
  }),
  endpoint('ben', 'SMS', '+447911123456', {
    user: { plan: ['free'], interests: ['chess'], signup: ['2023-11-02T08:00:00Z'] },
    attributes: { tier: ['bronze'] },
    country: 'US',
    orders: 1,
  }),
  endpoint('cai', 'APNS', 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', {
    user: { plan: ['team', 'pro'], interests: ['cycling'], signup: ['2024-03-16T00:30:00Z'] },
    attributes: { tier: ['silver'] },
    country: 'GB',
    orders: 3,
  }),
  endpoint('dee', 'EMAIL', 'dee@example.com', { user: { interests: ['yoga retreats'] }, country: 'FR' }),
  endpoint('eve', 'EMAIL', 'eve@example.com', eve),
  endpoint('eve', 'SMS', '+447400123456', eve),
];

/** Each customer's last event of their own, in days before AS_OF (cai has none). */
const LAST_ACTIVE: Record<string, number> = { ana: 2, ben: 10, dee: 20, eve: 40 };

type Dimensions = Record<string, unknown>;
const userAttribute = (name: string, AttributeType: string, Values: string[]): Dimensions => ({
  UserAttributes: { [name]: { AttributeType, Values } },
});
const orders = (ComparisonOperator: string, Value: number): Dimensions => ({
  Metrics: { orders: { ComparisonOperator, Value } },
});
const country = (DimensionType: string, Values: string[]): Dimensions => ({
  Location: { Country: { DimensionType, Values } },
});
const channel = (DimensionType: string, Values: string[]): Dimensions => ({
  Demographic: { Channel: { DimensionType, Values } },
});

/** Dimensional segments, and the customers Pinpoint's semantics select from the profile set. */
const DIMENSIONAL: { name: string; dimensions: Dimensions; pinpoint: string[] }[] = [
  {
    name: 'paid-plan',
    dimensions: userAttribute('plan', 'INCLUSIVE', ['pro', 'enterprise']),
    pinpoint: ['ana', 'cai', 'eve'],
  },
  {
    name: 'not-free',
    dimensions: userAttribute('plan', 'EXCLUSIVE', ['free']),
    pinpoint: ['ana', 'cai', 'dee', 'eve'],
  },
  {
    name: 'yoga-fans',
    dimensions: userAttribute('interests', 'CONTAINS', ['yog']),
    pinpoint: ['ana', 'dee'],
  },
  {
    name: 'signed-up-on-15-march',
    dimensions: userAttribute('signup', 'ON', ['2024-03-15T00:00:00Z']),
    pinpoint: ['ana'],
  },
  {
    name: 'gold-tier',
    dimensions: { Attributes: { tier: { AttributeType: 'INCLUSIVE', Values: ['gold'] } } },
    pinpoint: ['ana', 'eve'],
  },
  { name: 'orders-over-2', dimensions: orders('GREATER_THAN', 2), pinpoint: ['ana', 'cai', 'eve'] },
  {
    name: 'orders-3-or-more',
    dimensions: orders('GREATER_THAN_OR_EQUAL', 3),
    pinpoint: ['ana', 'cai', 'eve'],
  },
  { name: 'orders-under-3', dimensions: orders('LESS_THAN', 3), pinpoint: ['ben'] },
  { name: 'orders-3-or-fewer', dimensions: orders('LESS_THAN_OR_EQUAL', 3), pinpoint: ['ben', 'cai'] },
  { name: 'orders-exactly-5', dimensions: orders('EQUAL', 5), pinpoint: ['ana'] },
  { name: 'on-sms', dimensions: channel('INCLUSIVE', ['SMS']), pinpoint: ['ben', 'eve'] },
  { name: 'in-the-uk', dimensions: country('INCLUSIVE', ['GB']), pinpoint: ['ana', 'cai'] },
  { name: 'outside-uk-and-us', dimensions: country('EXCLUSIVE', ['GB', 'US']), pinpoint: ['dee', 'eve'] },
  {
    name: 'active-this-week',
    dimensions: { Behavior: { Recency: { Duration: 'DAY_7', RecencyType: 'ACTIVE' } } },
    pinpoint: ['ana'],
  },
  {
    name: 'lapsed-a-month',
    dimensions: { Behavior: { Recency: { Duration: 'DAY_30', RecencyType: 'INACTIVE' } } },
    pinpoint: ['cai', 'eve'],
  },
  {
    name: 'uk-payers-over-4-orders',
    dimensions: {
      ...userAttribute('plan', 'INCLUSIVE', ['pro']),
      ...country('INCLUSIVE', ['GB']),
      ...orders('GREATER_THAN', 4),
    },
    pinpoint: ['ana'],
  },
];

const source = (...names: string[]) => names.map((Id) => ({ Id }));

/** Segment groups over the segments above, and what Pinpoint selects. */
const GROUPS: { name: string; groups: Record<string, unknown>; pinpoint: string[] }[] = [
  {
    name: 'group-any',
    groups: {
      Include: 'ANY',
      Groups: [
        { SourceSegments: source('in-the-uk') },
        { Dimensions: [orders('GREATER_THAN_OR_EQUAL', 10)] },
      ],
    },
    pinpoint: ['ana', 'cai', 'eve'],
  },
  {
    name: 'group-all',
    groups: {
      Include: 'ALL',
      Groups: [{ SourceSegments: source('paid-plan') }, { SourceSegments: source('in-the-uk') }],
    },
    pinpoint: ['ana', 'cai'],
  },
  {
    name: 'group-none',
    groups: {
      Include: 'NONE',
      Groups: [
        { SourceSegments: source('in-the-uk') },
        { Dimensions: [userAttribute('plan', 'INCLUSIVE', ['free'])] },
      ],
    },
    pinpoint: ['dee', 'eve'],
  },
  {
    name: 'group-filter-none',
    groups: {
      Include: 'ALL',
      Groups: [
        { SourceSegments: source('paid-plan'), Dimensions: [country('INCLUSIVE', ['GB'])], Type: 'NONE' },
      ],
    },
    pinpoint: ['eve'],
  },
  {
    name: 'group-sources-all-filters-any',
    groups: {
      Include: 'ALL',
      Groups: [
        {
          SourceSegments: source('paid-plan', 'gold-tier'),
          SourceType: 'ALL',
          Dimensions: [orders('GREATER_THAN', 6), country('INCLUSIVE', ['FR'])],
          Type: 'ANY',
        },
      ],
    },
    pinpoint: ['eve'],
  },
  {
    name: 'group-sources-any-filters-all',
    groups: {
      Include: 'ALL',
      Groups: [
        {
          SourceSegments: source('on-sms', 'yoga-fans'),
          SourceType: 'ANY',
          Dimensions: [
            country('EXCLUSIVE', ['US']),
            userAttribute('interests', 'INCLUSIVE', ['yoga', 'golf']),
          ],
          Type: 'ALL',
        },
      ],
    },
    pinpoint: ['ana', 'eve'],
  },
];

const HELLO_JOURNEY = {
  ApplicationId: 'app-1',
  Id: 'j-hello',
  Name: 'Hello',
  State: 'DRAFT',
  StartActivity: 'wait',
  Activities: { wait: { Wait: { WaitTime: { WaitFor: 'P1D' } } } },
  StartCondition: {
    EventStartCondition: {
      EventFilter: { FilterType: 'ENDPOINT', Dimensions: { EventType: { Values: ['App Opened'] } } },
    },
  },
};

const segmentFile = (name: string, body: Record<string, unknown>) => ({
  ApplicationId: 'app-1',
  Id: name,
  Name: name,
  SegmentType: 'DIMENSIONAL',
  ...body,
});

async function cli(args: string[]) {
  const { io, out, err } = memoryIo();
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The export folder, the profile events (imported endpoints and each customer's own activity), the import. */
async function pipeline() {
  const dir = await tempDir();
  const exported = join(dir, 'export');
  const journeys = join(dir, 'journeys');
  await mkdir(join(exported, 'segments'), { recursive: true });
  const segments = [
    ...DIMENSIONAL.map((s) => segmentFile(s.name, { Dimensions: s.dimensions })),
    ...GROUPS.map((s) => segmentFile(s.name, { SegmentGroups: s.groups })),
    segmentFile('changed-channel', { Dimensions: channel('EXCLUSIVE', ['EMAIL']) }),
    segmentFile('signed-up-before-2024', {
      Dimensions: userAttribute('signup', 'BEFORE', ['2024-01-01T00:00:00Z']),
    }),
    segmentFile('device-details', {
      Dimensions: {
        Demographic: {
          AppVersion: { Values: ['2.1'] },
          DeviceType: { Values: ['phone'] },
          Make: { Values: ['apple'] },
          Model: { Values: ['iPhone'] },
          Platform: { Values: ['ios'] },
        },
        Location: { GPSPoint: { Coordinates: { Latitude: 51.5, Longitude: -0.1 }, RangeInKilometers: 10 } },
      },
    }),
  ];
  for (const segment of segments)
    await writeFile(join(exported, 'segments', `${segment.Id}.json`), JSON.stringify(segment, null, 2));
  // `cairn segments` evaluates the segments of a journeys folder: one journey makes it one.
  await mkdir(join(exported, 'journeys'));
  await writeFile(join(exported, 'journeys', 'j-hello.json'), JSON.stringify(HELLO_JOURNEY));
  await writeFile(join(dir, 'endpoints.jsonl'), `${ENDPOINTS.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const imported = await cli([
    'import',
    'profiles',
    join(dir, 'endpoints.jsonl'),
    '--format',
    'pinpoint',
    '--at',
    new Date(Date.parse(AS_OF) - 60 * DAY).toISOString(),
  ]);
  expect(imported.code).toBe(0);
  const activity = Object.entries(LAST_ACTIVE).map(([userId, days], n) => ({
    version: '0',
    id: `activity-${n}`,
    source: 'com.example.app',
    'detail-type': 'App Opened',
    time: new Date(Date.parse(AS_OF) - days * DAY).toISOString(),
    resources: [],
    detail: { userId, properties: {} },
  }));
  const events = join(dir, 'events.ndjson');
  await writeFile(events, `${imported.out}\n${activity.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const result = await cli(['pinpoint', 'import', exported, '--out', journeys]);
  expect(result.err).toBe('');
  const report = await readFile(join(journeys, 'IMPORT-REPORT.md'), 'utf8');
  const members = async (id: string): Promise<string[]> => {
    const exportedMembers = await cli([
      'segments',
      'export',
      id,
      '--events',
      events,
      '--as-of',
      AS_OF,
      '--format',
      'jsonl',
      '--journeys',
      journeys,
    ]);
    expect(exportedMembers.code).toBe(0);
    return exportedMembers.out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => String(JSON.parse(line).userId))
      .sort();
  };
  return { journeys, report, members };
}

describe('imported Pinpoint segments select the customers Pinpoint did', () => {
  let run: Awaited<ReturnType<typeof pipeline>>;
  beforeAll(async () => {
    run = await pipeline();
  }, 60_000);

  it.each(DIMENSIONAL)('dimensional segment $name', async ({ name, pinpoint }) => {
    // Prepare: the pipeline (beforeAll)
    // Act
    const cairn = await run.members(name);
    // Assess
    expect(cairn).toEqual(pinpoint);
  });

  it.each(GROUPS)('segment groups $name', async ({ name, pinpoint }) => {
    // Prepare: the pipeline (beforeAll)
    // Act
    const cairn = await run.members(name);
    // Assess
    expect(cairn).toEqual(pinpoint);
  });

  it('a channel EXCLUSIVE selects customers not reachable on it, and the report says so', async () => {
    // Prepare: Pinpoint selects endpoints that are not EMAIL: ben's SMS, cai's push and eve's SMS endpoint.
    const pinpoint = ['ben', 'cai', 'eve'];
    // Act
    const cairn = await run.members('changed-channel');
    // Assess: eve also has an email address, so is not selected in Cairn, which selects customers
    expect(pinpoint).toContain('eve');
    expect(cairn).toEqual(['ben', 'cai']);
    expect(run.report).toMatch(
      /`Dimensions\.Demographic\.Channel`: a channel is now "the customer is reachable on it"/,
    );
  });

  it('dimensions with no Cairn equivalent are not imported, each named in the report', async () => {
    // Prepare: the pipeline (beforeAll)
    // Act
    const files = await Promise.all(
      ['signed-up-before-2024', 'device-details'].map((id) =>
        readFile(join(run.journeys, 'segments', `${id}.yaml`), 'utf8').catch(() => undefined),
      ),
    );
    // Assess
    expect(files).toEqual([undefined, undefined]);
    expect(run.report).toContain('`Dimensions.UserAttributes.signup`: BEFORE compares dates');
    for (const key of ['AppVersion', 'DeviceType', 'Make', 'Model', 'Platform'])
      expect(run.report).toContain(`\`Dimensions.Demographic.${key}\`: device details are not imported`);
    expect(run.report).toContain('`Dimensions.Location.GPSPoint`: Cairn profiles keep no coordinates');
  });

  it('names helper segments after their owner and what they hold', async () => {
    // Prepare: the pipeline (beforeAll)
    // Act
    const notFree = await readFile(join(run.journeys, 'segments', 'not-free.yaml'), 'utf8');
    const helper = await readFile(join(run.journeys, 'segments', 'not-free-excluded-plan.yaml'), 'utf8');
    // Assess
    expect(notFree).toContain('exclude:\n  - not-free-excluded-plan');
    expect(helper).toContain('name: "not-free: left out, plan"');
  });
});
