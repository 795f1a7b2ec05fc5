import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsentTrait, consentChangesFromTraits } from '../../../functions/core/profile/consent.ts';

/** What the parse reads consent as: the changes consentChangesFromTraits made before reading plain traits as they are. */
function parsedChanges(raw: unknown, source: string, at: number) {
  const parsed = ConsentTrait.safeParse(raw);
  if (!parsed.success) return [];
  return Object.entries(parsed.data).flatMap(([channel, value]) =>
    (typeof value === 'boolean'
      ? [[channel, value] as const]
      : Object.entries(value).map(([topic, v]) => [`${channel}:${topic}`, v] as const)
    ).map(([key, given]) => ({ key, record: { status: given ? 'opted_in' : 'opted_out', source, at } })),
  );
}

/** Names apps use and names that trip a parse: other channels, `__proto__`, integers (ordered first), empty. */
const name = fc.constantFrom(
  'email',
  'sms',
  'push',
  'whatsapp',
  '__proto__',
  '1',
  '0',
  '',
  'marketing',
  'news',
);
/** Values: booleans, topic objects (valid or not), and values the parse refuses. */
const leaf = fc.oneof(fc.boolean(), fc.constant(null), fc.constant('yes'), fc.integer({ min: 0, max: 1 }));
const topics = fc.dictionary(name, leaf, { maxKeys: 3 });
const trait = fc.oneof(
  fc.dictionary(name, fc.oneof(fc.boolean(), topics, leaf), { maxKeys: 4 }),
  fc.dictionary(
    fc.constantFrom('email', 'sms', 'push'),
    fc.oneof(fc.boolean(), fc.dictionary(fc.string(), fc.boolean(), { maxKeys: 3 })),
    { maxKeys: 3 },
  ),
  fc.constantFrom(null, true, 'email', [], [{ email: true }]),
);

describe('consent traits', () => {
  it('give the changes the parse gives, whether read as they are or parsed, JSON text included', () => {
    fc.assert(
      fc.property(trait, fc.boolean(), (given, throughJson) => {
        // Prepare: as an event brings it (JSON.parse makes `__proto__` an own name) or as code builds it.
        const raw: unknown = throughJson ? JSON.parse(JSON.stringify(given)) : given;

        // Act
        const changes = consentChangesFromTraits(raw, 'app', 42);

        // Assess
        expect(JSON.stringify(changes)).toBe(JSON.stringify(parsedChanges(raw, 'app', 42)));
      }),
      { numRuns: 500 },
    );
  });

  it('are refused as the parse refuses them: a symbol name, an object of another kind', () => {
    // Prepare
    const withSymbol = { email: true, [Symbol('x')]: true };
    const withPrototype = Object.assign(Object.create({ inherited: true }), { email: true });
    const fromJson = JSON.parse('{"__proto__": true, "email": true}');

    // Act
    const read = [withSymbol, withPrototype, fromJson].map((raw) => consentChangesFromTraits(raw, 'app', 1));

    // Assess
    expect(read).toEqual([withSymbol, withPrototype, fromJson].map((raw) => parsedChanges(raw, 'app', 1)));
  });
});
