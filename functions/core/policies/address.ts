import { normalizeEmail, normalizePhone } from '../profile/addresses.ts';

// Apart from the policies' schemas (config.ts): feedback and the suppression of an address's holders normalize
// addresses without reading policies, and importing this from config.ts built the policies' schemas at their
// load.
/** An email address or a phone number, normalized as profiles keep them; undefined when it is neither. */
export function normalizedAddress(raw: string): string | undefined {
  return raw.includes('@') ? normalizeEmail(raw) : normalizePhone(raw);
}
