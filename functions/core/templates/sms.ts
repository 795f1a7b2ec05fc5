/**
 * SMS encoding and segmentation as carriers apply it (3GPP TS 23.038 and 23.040): a body in the GSM 03.38
 * alphabet goes as GSM-7 septets, anything else as UCS-2. A multi-part message loses room to the
 * concatenation header in each part, and a character is never split across parts.
 */

/** GSM 03.38 basic character set (without the escape code itself). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each costs two septets (escape + code). */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export type SmsSize = {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
};

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

export function isGsm7(char: string): boolean {
  return GSM_BASIC.has(char) || GSM_EXTENSION.has(char);
}

/** What one character costs: septets in GSM-7, UTF-16 code units (2 for a surrogate pair) in UCS-2. */
function cost(char: string, encoding: SmsEncoding): number {
  if (encoding === 'UCS-2') return char.length;
  return GSM_EXTENSION.has(char) ? 2 : 1;
}

export function smsEncoding(body: string): SmsEncoding {
  for (const char of body) if (!isGsm7(char)) return 'UCS-2';
  return 'GSM-7';
}

/** Encoding, size and number of parts of an SMS body. An empty body has no segment. */
export function smsSize(body: string): SmsSize {
  const encoding = smsEncoding(body);
  // Iterating a string yields code points, so a surrogate pair stays whole.
  const costs = Array.from(body, (char) => cost(char, encoding));
  const units = costs.reduce((a, b) => a + b, 0);
  const { single, multi } = LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const c of costs) {
    if (used + c > multi) {
      segments++;
      used = 0;
    }
    used += c;
  }
  return { encoding, units, segments };
}
