import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasProtoField } from '../../../functions/core/collections/own-field.ts';
import { CustomerEvent, parseCustomerEvent } from '../../../functions/core/events/customer-event.ts';
import { plainEventCheck } from '../../../functions/core/events/plain-event.ts';

const plainEvent = plainEventCheck(CustomerEvent.unwrap().shape.time._zod.pattern);

/** Keys that name the contract's fields, its traps (`__proto__`) and ordinary data, so that they collide. */
const key = fc.oneof(
  fc.constantFrom(
    'email',
    'phone',
    'timezone',
    'locale',
    'firstName',
    'lastName',
    'token',
    'platform',
    'device',
    'ip',
    'userId',
    'properties',
    '__proto__',
    'constructor',
    '0',
    '10',
  ),
  fc.string({ maxLength: 6 }),
);
const json = fc.jsonValue({ maxDepth: 3 });
const text = fc.string({ minLength: 1, maxLength: 10 });
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });
/** Now valid, now anything: each field of an otherwise valid event may break the contract. */
const orJunk = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 12 }, json);
const data = fc.dictionary(key, json, { maxKeys: 5 });
const known = (keys: readonly string[]) =>
  fc.record(Object.fromEntries(keys.map((name) => [name, orJunk(fc.string({ maxLength: 8 }))])), {
    requiredKeys: [],
  });
/** An open object of the contract: its known string fields, anything beside them. */
const openObject = (keys: readonly string[]) =>
  orJunk(fc.tuple(known(keys), data).map(([fields, rest]) => ({ ...rest, ...fields })));
const time = fc.oneof(
  fc
    .date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  fc.constantFrom(
    '2026-11-01T10:00:00Z',
    '2026-11-01T10:00:00+05:30',
    '2026-11-01T10:00:00.123456-08:00',
    '2026-02-29T10:00:00Z',
    '2028-02-29T10:00:00Z',
    '2026-11-01 10:00:00Z',
    '2026-11-01T10:00:00',
    '2026-13-01T10:00:00Z',
  ),
  fc.string({ maxLength: 25 }),
);
const userId = fc.oneof(
  { arbitrary: text, weight: 10 },
  fc.constantFrom('', 'a\u0001b', 'a\uD800b', '😀', 'x'.repeat(300)),
  json,
);
const traits = fc.oneof(
  openObject(['email', 'phone', 'timezone', 'locale', 'firstName', 'lastName']),
  fc.constant(Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`t${index}`, index]))),
);
const detail = fc.record(
  {
    userId,
    eventId: orJunk(text),
    properties: orJunk(data),
    traits,
    context: fc
      .tuple(openObject(['timezone', 'ip', 'locale']), maybe(openObject(['token', 'platform'])))
      .map(([context, device]) => (device === undefined ? context : { ...Object(context), device })),
    extra: json,
  },
  { requiredKeys: ['userId'], noNullPrototype: true },
);
const event = fc.record(
  {
    version: orJunk(fc.constant('0')),
    id: orJunk(text),
    'detail-type': orJunk(text),
    source: orJunk(text),
    account: orJunk(fc.constant('123456789012')),
    time,
    region: orJunk(fc.constant('eu-west-1')),
    resources: orJunk(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
    detail: fc.oneof({ arbitrary: detail.map(({ extra, ...rest }) => rest), weight: 8 }, detail, json),
    'replay-name': json,
  },
  { requiredKeys: ['id', 'detail-type', 'source', 'time', 'detail'] },
);
/** What an event file's line or an SQS body parses to: JSON text read back, with its own `__proto__` fields. */
const parsedEvent = event.map((value) => JSON.parse(JSON.stringify(value)));
/** Built in code (journeys' emitted events, tests): undefined fields, holes, -0, other prototypes. */
const builtEvent = fc
  .tuple(event, fc.constantFrom(undefined, -0, new Date(0), new Array<number>(2)))
  .map(([value, odd]) => ({ ...value, detail: { ...Object(value.detail), properties: { odd } } }));
const anyEvent = fc.oneof({ arbitrary: parsedEvent, weight: 4 }, builtEvent, event);

describe('the fast check of the customer-event contract', () => {
  it('accepts only what zod accepts, and makes it exactly as zod does (fields, order, defaults)', () => {
    let accepted = 0;
    let valid = 0;
    fc.assert(
      fc.property(anyEvent, (input) => {
        // Prepare
        const byZod = CustomerEvent.safeParse(input);
        // Act
        const fast = plainEvent(input);
        // Assess
        if (byZod.success) valid++;
        if (fast === undefined) return;
        accepted++;
        expect(byZod.success).toBe(true);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(byZod.data));
        expect(isDeepStrictEqual(fast, byZod.data)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
    // Not vacuous: the generated events include many valid ones, and the fast check takes most of them.
    expect(valid).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(valid / 2);
  });

  it('gives the same result as the schema alone, problems included, for any input', () => {
    fc.assert(
      fc.property(anyEvent, (input) => {
        // Prepare: the contract is the schema, and a detail field named __proto__ (which zod drops) refused.
        const byZod = CustomerEvent.safeParse(input);
        const accepted = byZod.success && !hasProtoField(input.detail);
        // Act
        const result = parseCustomerEvent(input);
        // Assess
        expect(result.ok).toBe(accepted);
        if (result.ok) expect(JSON.stringify(result.event)).toBe(JSON.stringify(byZod.data));
        else expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1_000 },
    );
  });

  it('takes the common case itself: a valid event as a file line holds it, defaults filled in, with traits and a device', () => {
    // Prepare
    const line = JSON.parse(
      JSON.stringify({
        time: '2026-11-01T10:00:00Z',
        source: 'com.example.shop',
        'detail-type': 'Order Completed',
        id: 'e-1',
        detail: {
          userId: 'usr_1',
          eventId: 'o-1',
          properties: { total: 42, items: [{ sku: 'A', qty: 1 }], gift: null },
          traits: { vip: true, email: 'a@example.com' },
          context: { locale: 'en-GB', device: { platform: 'FCM', token: 't' }, ip: '192.0.2.1' },
        },
        'replay-name': 'ignored',
      }),
    );
    // Act
    const fast = plainEvent(line);
    // Assess
    expect(fast).toEqual(CustomerEvent.parse(line));
    expect(Object.keys(fast ?? {})).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'time',
      'resources',
      'detail',
    ]);
    expect(Object.keys(fast?.detail.context ?? {})).toEqual(['device', 'ip', 'locale']);
    expect(Object.keys(fast?.detail.traits ?? {})).toEqual(['email', 'vip']);
    expect(fast?.detail.properties).not.toBe(line.detail.properties);
  });

  it('leaves to zod, which words the problem, an event it does not accept', () => {
    // Prepare
    const line = { id: 'e-2', 'detail-type': 'X', source: 's', time: '2026-11-01T10:00:00Z', detail: {} };
    // Act
    const fast = plainEvent(line);
    const result = parseCustomerEvent(line);
    // Assess
    expect(fast).toBeUndefined();
    expect(result).toEqual({
      ok: false,
      problems: [
        { eventId: 'e-2', path: 'detail.userId', message: 'expected a non-empty string, got undefined' },
      ],
    });
  });
});
