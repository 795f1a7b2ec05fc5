import { describe, expect, it } from 'vitest';
import {
  type CustomerEvent,
  dedupeKey,
  type EventProblem,
  formatEventProblem,
  parseCustomerEvent,
} from '../../../functions/core/events/index.ts';

const ID = '6f1c2a7e-3b4d-4e5f-9a0b-1c2d3e4f5a6b';

/** A complete event as EventBridge delivers it. */
function delivered(): Record<string, unknown> {
  return {
    version: '0',
    id: ID,
    'detail-type': 'Product Added',
    source: 'com.example.shop',
    account: '123456789012',
    time: '2026-11-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      userId: 'usr_1001',
      eventId: 'cart_m8Q2xk-add-1',
      properties: { cartId: 'cart_m8Q2xk', productId: 'prod_kettle_gn10', price: 49, currency: 'GBP' },
      traits: {
        email: 'maya.patel@example.com',
        phone: '+447700900123',
        timezone: 'Europe/London',
        locale: 'en-GB',
        firstName: 'Maya',
        consent: { email: true, sms: false },
      },
      context: {
        device: { token: 'abc123', platform: 'APNS', model: 'iPhone15,2' },
        ip: '192.0.2.10',
        timezone: 'Europe/London',
      },
    },
  };
}

/** The minimal hand-written event the CLI accepts. */
function handWritten(): Record<string, unknown> {
  return {
    id: 'evt-1',
    'detail-type': 'Signed Up',
    source: 'com.example.shop',
    time: '2026-11-01T10:00:00Z',
    detail: { userId: 'usr_1001' },
  };
}

function problemsOf(input: unknown): EventProblem[] {
  const result = parseCustomerEvent(input);
  if (result.ok)
    throw new Error(`expected the event to be rejected, but it parsed: ${JSON.stringify(input)}`);
  return result.problems;
}

function eventOf(input: unknown): CustomerEvent {
  const result = parseCustomerEvent(input);
  if (!result.ok)
    throw new Error(`expected a valid event, got:\n${result.problems.map(formatEventProblem).join('\n')}`);
  return result.event;
}

function without(event: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...event };
  delete copy[key];
  return copy;
}

describe('parseCustomerEvent: valid events', () => {
  it('accepts a full EventBridge event and keeps every field', () => {
    const event = eventOf(delivered());
    expect(event).toEqual(delivered());
    expect(event.detail.traits?.consent).toEqual({ email: true, sms: false });
    expect(event.detail.context?.device?.platform).toBe('APNS');
    expect(event.detail.context?.device?.model).toBe('iPhone15,2');
  });

  it('applies the defaults to a hand-written event', () => {
    const event = eventOf(handWritten());
    expect(event.version).toBe('0');
    expect(event.resources).toEqual([]);
    expect(event.account).toBeUndefined();
    expect(event.region).toBeUndefined();
    expect(event.detail.properties).toEqual({});
    expect(event.detail.eventId).toBeUndefined();
    expect(event.detail.traits).toBeUndefined();
    expect(event.detail.context).toBeUndefined();
  });

  it('keeps nested JSON in properties and unknown traits', () => {
    const input = handWritten();
    input.detail = {
      userId: 'usr_1',
      properties: { products: [{ productId: 'p1', price: 3.5, quantity: 2 }], gift: null, tags: ['a'] },
      traits: { plan: 'pro', score: 7, vip: true },
    };
    const event = eventOf(input);
    expect(event.detail.properties.products).toEqual([{ productId: 'p1', price: 3.5, quantity: 2 }]);
    expect(event.detail.properties.gift).toBeNull();
    expect(event.detail.traits).toEqual({ plan: 'pro', score: 7, vip: true });
  });

  it('drops envelope fields outside the contract, such as replay-name', () => {
    const event = eventOf({ ...delivered(), 'replay-name': 'replay_archive' });
    expect(event).not.toHaveProperty('replay-name');
  });

  it.each([
    '2026-11-01T10:00:00Z',
    '2026-11-01T10:00:00.123Z',
    '2026-11-01T11:00:00+01:00',
    '2026-11-01T05:00:00-05:00',
  ])('accepts the timestamp %s', (time) => {
    expect(eventOf({ ...handWritten(), time }).time).toBe(time);
  });
});

describe('parseCustomerEvent: required fields', () => {
  it.each(['id', 'source', 'detail-type', 'time', 'detail'])(
    'reports a missing %s with its path',
    (field) => {
      const problems = problemsOf(without(handWritten(), field));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe(field);
      expect(problems[0]?.message).toMatch(/^expected .+, got undefined$/);
      expect(problems[0]?.eventId).toBe(field === 'id' ? undefined : 'evt-1');
    },
  );

  it('reports a missing detail.userId with the event id', () => {
    const input = handWritten();
    input.detail = { properties: { plan: 'pro' } };
    expect(problemsOf(input)).toEqual([
      { eventId: 'evt-1', path: 'detail.userId', message: 'expected a non-empty string, got undefined' },
    ]);
  });

  it.each([
    ['id', ''],
    ['source', ''],
    ['detail-type', ''],
  ])('refuses an empty %s', (field, value) => {
    const problems = problemsOf({ ...handWritten(), [field]: value });
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [field, 'expected a non-empty string, got ""'],
    ]);
  });

  it('refuses an empty userId and an empty eventId', () => {
    const input = handWritten();
    input.detail = { userId: '', eventId: '' };
    expect(problemsOf(input).map((p) => p.path)).toEqual(['detail.userId', 'detail.eventId']);
  });

  it('names the event by its id only when the id is a string', () => {
    const numericId = problemsOf({ ...handWritten(), id: 42 });
    expect(numericId).toEqual([
      { eventId: undefined, path: 'id', message: 'expected a non-empty string, got 42' },
    ]);
  });
});

describe('parseCustomerEvent: every problem is listed', () => {
  it('lists all problems of one event, each with the event id', () => {
    const problems = problemsOf({
      id: 'evt-9',
      source: 7,
      time: 'yesterday',
      detail: { properties: 'cart', traits: { email: 5 } },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'detail-type',
      'source',
      'time',
      'detail.userId',
      'detail.properties',
      'detail.traits.email',
    ]);
    expect(problems.every((p) => p.eventId === 'evt-9')).toBe(true);
    expect(problems.find((p) => p.path === 'detail.properties')?.message).toBe(
      'expected an object, got "cart"',
    );
  });
});

describe('parseCustomerEvent: time', () => {
  it.each([
    ['yesterday', 'got "yesterday"'],
    ['2026-11-01T10:00:00', 'got "2026-11-01T10:00:00"'],
    ['2026-11-01', 'got "2026-11-01"'],
    ['2026-11-01 10:00:00Z', 'got "2026-11-01 10:00:00Z"'],
    ['2026-02-30T10:00:00Z', 'got "2026-02-30T10:00:00Z"'],
    ['2026-11-01T25:00:00Z', 'got "2026-11-01T25:00:00Z"'],
    [1_793_527_200_000, 'got 1793527200000'],
  ])('refuses %s', (time, found) => {
    const problems = problemsOf({ ...handWritten(), time });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('time');
    expect(problems[0]?.message).toContain('expected an ISO-8601 timestamp with a timezone designator');
    expect(problems[0]?.message).toContain(found);
  });
});

describe('parseCustomerEvent: detail', () => {
  it.each([
    ['a string', 'hello', 'got "hello"'],
    ['an array', [{ userId: 'u' }], 'got an array'],
    ['null', null, 'got null'],
  ])('refuses %s as detail', (_name, detail, found) => {
    expect(problemsOf({ ...handWritten(), detail })).toEqual([
      { eventId: 'evt-1', path: 'detail', message: `expected an object, ${found}` },
    ]);
  });

  it('refuses properties that are not an object', () => {
    const input = handWritten();
    input.detail = { userId: 'u', properties: ['cart_1'] };
    expect(problemsOf(input)).toEqual([
      { eventId: 'evt-1', path: 'detail.properties', message: 'expected an object, got an array' },
    ]);
  });

  it('refuses unknown detail fields, pointing to properties or the likely spelling', () => {
    const input = handWritten();
    input.detail = { userid: 'u', cartId: 'cart_1' };
    const problems = problemsOf(input);
    expect(problems.map((p) => p.path)).toEqual(['detail.userId', 'detail.userid', 'detail.cartId']);
    expect(problems[1]?.message).toContain('did you mean "userId"?');
    expect(problems[2]?.message).toContain('event data goes in detail.properties');
    expect(problems[2]?.message).toMatch(/^expected only userId, eventId, properties, traits, context/);
  });

  it('refuses a value that is not JSON in properties', () => {
    const input = handWritten();
    input.detail = { userId: 'u', properties: { when: () => 1 } };
    const problems = problemsOf(input);
    expect(problems.map((p) => p.path)).toEqual(['detail.properties.when']);
    expect(problems[0]?.message).toContain('expected a JSON value');
  });

  it('refuses a field named __proto__ by its path, which the schema would otherwise drop without a word', () => {
    // Prepare: as JSON.parse reads a body sent to the bus, each __proto__ an own field.
    const input = handWritten();
    input.detail = JSON.parse(
      '{"userId": "u", "properties": {"__proto__": {"plan": "pro"}, "items": [{"__proto__": 1}]},' +
        ' "traits": {"__proto__": "x"}, "context": {"device": {"__proto__": {}}}}',
    );

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      'detail.properties.__proto__',
      'detail.properties.items[0].__proto__',
      'detail.traits.__proto__',
      'detail.context.device.__proto__',
    ]);
    expect(problems.map((p) => p.eventId)).toEqual(['evt-1', 'evt-1', 'evt-1', 'evt-1']);
    expect(problems[0]?.message).toContain('may not be named "__proto__"');
  });

  it('keeps a dotted property whose head is __proto__, a name of its own', () => {
    // Prepare
    const input = handWritten();
    input.detail = JSON.parse('{"userId": "u", "properties": {"__proto__.plan": "pro"}}');

    // Act
    const event = eventOf(input);

    // Assess
    expect(event.detail.properties).toEqual({ '__proto__.plan': 'pro' });
  });
});

describe('parseCustomerEvent: traits and context', () => {
  it('reports well-known traits that are not strings, with their paths', () => {
    const input = handWritten();
    input.detail = {
      userId: 'u',
      traits: { email: 42, phone: ['+447700900123'], timezone: null, locale: 'en-GB', nickname: 3 },
    };
    const problems = problemsOf(input);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'detail.traits.email: expected a string, got 42',
      'detail.traits.phone: expected a string, got an array',
      'detail.traits.timezone: expected a string, got null',
    ]);
  });

  it('refuses traits that are not an object', () => {
    const input = handWritten();
    input.detail = { userId: 'u', traits: 'maya@example.com' };
    expect(problemsOf(input)).toEqual([
      { eventId: 'evt-1', path: 'detail.traits', message: 'expected an object, got "maya@example.com"' },
    ]);
  });

  it('reports a device token that is not a string', () => {
    const input = handWritten();
    input.detail = { userId: 'u', context: { device: { token: 123, platform: 'FCM' } } };
    expect(problemsOf(input).map((p) => p.path)).toEqual(['detail.context.device.token']);
  });

  it('gives array indexes as [n] in paths', () => {
    const input = handWritten();
    input.resources = ['arn:aws:ec2:eu-west-1:123456789012:instance/i-1', 7];
    expect(problemsOf(input)).toEqual([
      { eventId: 'evt-1', path: 'resources[1]', message: 'expected a string, got 7' },
    ]);
  });
});

describe('parseCustomerEvent: not an event at all', () => {
  it.each([
    ['null', null, 'got null'],
    ['an array', [], 'got an array'],
    ['a string', '{"id":"x"}', 'got "{\\"id\\":\\"x\\"}"'],
    ['undefined', undefined, 'got undefined'],
  ])('refuses %s as a whole', (_name, input, found) => {
    expect(problemsOf(input)).toEqual([
      { eventId: undefined, path: '', message: `expected an event (a JSON object), ${found}` },
    ]);
  });
});

describe('formatEventProblem', () => {
  it('names the event, the path and the message', () => {
    expect(
      formatEventProblem({
        eventId: ID,
        path: 'detail.userId',
        message: 'expected a non-empty string, got undefined',
      }),
    ).toBe(`event ${ID}: detail.userId: expected a non-empty string, got undefined`);
  });

  it('says when the event has no id and leaves out an empty path', () => {
    expect(formatEventProblem({ eventId: undefined, path: '', message: 'expected an event' })).toBe(
      'event (no id): expected an event',
    );
  });

  it('formats problems straight from the parser', () => {
    const lines = problemsOf(without(handWritten(), 'source')).map(formatEventProblem);
    expect(lines).toEqual(['event evt-1: source: expected a non-empty string, got undefined']);
  });
});

describe('dedupeKey', () => {
  it('uses detail.eventId scoped by source when present', () => {
    const event = eventOf(delivered());
    expect(dedupeKey(event)).toBe('eventId:com.example.shop:cart_m8Q2xk-add-1');
  });

  it('falls back to the EventBridge id', () => {
    expect(dedupeKey(eventOf(handWritten()))).toBe('id:evt-1');
  });

  it('gives the same key to the same business event sent twice (two EventBridge ids)', () => {
    const first = eventOf(delivered());
    const retry = eventOf({ ...delivered(), id: 'a-second-eventbridge-id', time: '2026-11-01T10:00:05Z' });
    expect(dedupeKey(retry)).toBe(dedupeKey(first));
  });

  it('keeps the same eventId from two sources apart', () => {
    const shop = eventOf(delivered());
    const app = eventOf({ ...delivered(), source: 'com.example.app' });
    expect(dedupeKey(app)).not.toBe(dedupeKey(shop));
  });

  it('cannot be forged by a separator inside source or eventId', () => {
    const a = eventOf({ ...delivered(), source: 'a:b', detail: { userId: 'u', eventId: 'c' } });
    const b = eventOf({ ...delivered(), source: 'a', detail: { userId: 'u', eventId: 'b:c' } });
    expect(dedupeKey(a)).not.toBe(dedupeKey(b));
  });

  it('never confuses an eventId with an EventBridge id', () => {
    const withEventId = eventOf({ ...handWritten(), detail: { userId: 'u', eventId: 'evt-1' } });
    const withoutEventId = eventOf(handWritten());
    expect(dedupeKey(withEventId)).not.toBe(dedupeKey(withoutEventId));
  });
});
