import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailTags, MAX_TAG_VALUE_LENGTH } from '../../../functions/adapters/ses/email-tags.ts';
import type { SendIntent } from '../../../functions/core/engine/state.ts';
import { decodeTagValue, encodeTagValue } from '../../../functions/core/feedback/tag-values.ts';

const SES_TAG_VALUE = /^[A-Za-z0-9_-]*$/;

function intent(overrides: Partial<SendIntent> = {}): SendIntent {
  return {
    messageId: 'welcome-series:usr_1001:3f9a:welcome-email:1',
    userId: 'usr_1001',
    journeyId: 'welcome-series',
    journeyVersion: 'v1',
    enrollmentId: 'welcome-series:usr_1001:3f9a',
    stepId: 'welcome-email',
    channels: ['email'],
    template: 'welcome',
    priority: 'normal',
    category: 'marketing',
    tags: [],
    at: 0,
    ...overrides,
  };
}

describe('encodeTagValue', () => {
  it('keeps plain ids as they are and escapes the others', () => {
    // Act
    const encoded = ['usr_1001', 'welcome-series', 'a:b_c', 'ana@example.com', '_x', 'café'].map(
      encodeTagValue,
    );

    // Assess
    expect(encoded).toEqual([
      'usr_1001',
      'welcome-series',
      '_xa_3ab_5fc',
      '_xana_40example_2ecom',
      '_x_5fx',
      '_xcaf_c3_a9',
    ]);
  });

  it('always gives a value SES accepts, which decodes to the id it was given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (id) => {
        // Act
        const encoded = encodeTagValue(id);

        // Assess
        expect(encoded).toMatch(SES_TAG_VALUE);
        expect(decodeTagValue(encoded)).toBe(id);
      }),
    );
  });

  it('reads nothing from a value it could not have written', () => {
    // Act
    const decoded = ['a:b', '_yabc', '_xa_3', '_xa_zz', '_x_ff'].map(decodeTagValue);

    // Assess
    expect(decoded).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('emailTags', () => {
  it("names Cairn's four ids with the feedback tag names", () => {
    // Act
    const tags = emailTags(intent());

    // Assess
    expect(tags).toEqual([
      { Name: 'cairn-user', Value: 'usr_1001' },
      { Name: 'cairn-journey', Value: 'welcome-series' },
      { Name: 'cairn-step', Value: 'welcome-email' },
      { Name: 'cairn-message', Value: '_xwelcome-series_3ausr_5f1001_3a3f9a_3awelcome-email_3a1' },
    ]);
  });

  it('leaves out an id too long for SES rather than cutting it', () => {
    // Prepare
    const userId = `${'u'.repeat(MAX_TAG_VALUE_LENGTH)}@example.com`;

    // Act
    const tags = emailTags(intent({ userId }));

    // Assess
    expect(tags.map((t) => t.Name)).toEqual(['cairn-journey', 'cairn-step', 'cairn-message']);
  });
});
