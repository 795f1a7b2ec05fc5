import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGsm7, smsEncoding, smsSize } from '../../../functions/core/templates/sms.ts';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const gsmChar = fc.constantFrom(...Array.from(GSM_BASIC + GSM_EXTENSION));
const gsmText = fc.array(gsmChar, { maxLength: 700 }).map((cs) => cs.join(''));
const anyText = fc.string({ unit: 'grapheme', maxLength: 400 });
const nonGsmChar = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 1 })
  .filter((c) => !isGsm7(c) && Array.from(c).length === 1);

describe('SMS encoding', () => {
  it('sends the GSM 03.38 alphabet as GSM-7 and anything else as UCS-2', () => {
    expect(smsEncoding('Hello {name} [50% off] ~ €5 | ^_^')).toBe('GSM-7');
    expect(smsEncoding('Café à Genève, Øresund')).toBe('GSM-7');
    // Accented letters outside the alphabet (ç lower case, ê, á) switch the whole message.
    expect(smsEncoding('façade')).toBe('UCS-2');
    expect(smsEncoding('Olá')).toBe('UCS-2');
    expect(smsEncoding('カート')).toBe('UCS-2');
    expect(smsEncoding('Coffee ☕')).toBe('UCS-2');
  });

  it('counts extension characters as two septets', () => {
    expect(smsSize('€')).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
    expect(smsSize('{}[]')).toEqual({ encoding: 'GSM-7', units: 8, segments: 1 });
  });

  it('fits 160 septets in one GSM-7 segment and 153 in each part beyond', () => {
    expect(smsSize('a'.repeat(160)).segments).toBe(1);
    expect(smsSize('a'.repeat(161)).segments).toBe(2);
    expect(smsSize('a'.repeat(306)).segments).toBe(2);
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
    expect(smsSize('€'.repeat(80)).segments).toBe(1);
    expect(smsSize('€'.repeat(81)).segments).toBe(2);
  });

  it('never splits an extension character across two parts', () => {
    // 152 septets, then '€' (2): 154 do not fit the first part of 153, so '€' opens the second.
    const size = smsSize(`${'a'.repeat(152)}€${'a'.repeat(152)}`);

    expect(size.units).toBe(306);
    expect(size.segments).toBe(3);
  });

  it('fits 70 UTF-16 code units in one UCS-2 segment and 67 in each part beyond', () => {
    expect(smsSize(`${'ü'.repeat(69)}ç`).segments).toBe(1);
    expect(smsSize('ç'.repeat(71)).segments).toBe(2);
    expect(smsSize('ç'.repeat(134)).segments).toBe(2);
    expect(smsSize('ç'.repeat(135)).segments).toBe(3);
  });

  it('counts a character outside the BMP as two code units and keeps its pair in one part', () => {
    expect(smsSize('☕').units).toBe(1);
    expect(smsSize('😀')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(smsSize('😀'.repeat(35)).segments).toBe(1);
    expect(smsSize('😀'.repeat(36)).segments).toBe(2);
    // 66 units, then a pair: 68 do not fit a part of 67, so the pair opens the second part.
    expect(smsSize(`${'ç'.repeat(66)}😀${'ç'.repeat(66)}`).segments).toBe(3);
  });

  it('gives an empty body no segment', () => {
    expect(smsSize('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0 });
  });
});

describe('SMS encoding properties', () => {
  it('never needs fewer segments for a longer message', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(smsSize(a + b).segments).toBeGreaterThanOrEqual(smsSize(a).segments);
      }),
    );
  });

  it('switches to UCS-2 when any one character is outside GSM-7', () => {
    fc.assert(
      fc.property(gsmText, nonGsmChar, gsmText, (before, char, after) => {
        expect(smsEncoding(before + after)).toBe('GSM-7');
        expect(smsEncoding(before + char + after)).toBe('UCS-2');
      }),
    );
  });

  it('counts septets as characters plus one per extension character', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const extensions = Array.from(text).filter((c) => GSM_EXTENSION.includes(c)).length;
        expect(smsSize(text).units).toBe(Array.from(text).length + extensions);
      }),
    );
  });

  it('uses one segment exactly when the units fit the single-part limit', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const size = smsSize(text);
        const single = size.encoding === 'GSM-7' ? 160 : 70;
        const multi = size.encoding === 'GSM-7' ? 153 : 67;
        expect(size.segments <= 1).toBe(size.units <= single);
        // Greedy packing wastes at most one unit per part (a two-unit character that did not fit).
        if (size.segments > 1) {
          expect(size.segments).toBeGreaterThanOrEqual(Math.ceil(size.units / multi));
          expect(size.segments).toBeLessThanOrEqual(Math.ceil(size.units / (multi - 1)));
        }
      }),
    );
  });
});
