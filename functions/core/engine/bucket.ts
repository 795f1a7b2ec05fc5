/**
 * Deterministic assignment for splits and holdouts: the same customer, journey and step always land in the
 * same bucket, without storing a random draw. FNV-1a over the key, then the murmur3 finalizer to spread
 * nearby keys (user-1, user-2, ...) evenly.
 */
export function bucketOf(key: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), FNV_PRIME);
  return spread(hash);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** FNV-1a's state after `~`, the character the second hash of shortHash and fingerprint puts before the key. */
const TILDE_OFFSET = Math.imul(FNV_OFFSET ^ 0x7e, FNV_PRIME);

/** The murmur3 finalizer over an FNV-1a state, as a number in [0, 1). */
function spread(fnv: number): number {
  let hash = fnv;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** A point in [0, 100) for percentage shares. */
export function percentileOf(userId: string, journeyId: string, stepId: string): number {
  return bucketOf(`${journeyId}\u0000${stepId}\u0000${userId}`) * 100;
}

/** A short, stable id fragment for a long key (64 bits from two differently seeded hashes). */
export function shortHash(key: string): string {
  const high = Math.floor(bucketOf(key) * 0x1_0000_0000);
  const low = Math.floor(bucketOf(`~${key}`) * 0x1_0000_0000);
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/**
 * A 53-bit fingerprint of a key, exact in a JavaScript number. Remembering fingerprints instead of keys keeps
 * a customer's memory of recent inputs to 8 bytes an entry; a false match among 64 entries has a chance
 * of about 1 in 10^14.
 */
export function fingerprint(key: string): number {
  // bucketOf(key) and bucketOf(`~${key}`) in one walk of the key, without making the second string: every
  // input is fingerprinted, and the joined string was flattened (copied) to be read.
  let hash = FNV_OFFSET;
  let tilde = TILDE_OFFSET;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    hash = Math.imul(hash ^ code, FNV_PRIME);
    tilde = Math.imul(tilde ^ code, FNV_PRIME);
  }
  const high = Math.floor(spread(hash) * 0x20_0000);
  const low = Math.floor(spread(tilde) * 0x1_0000_0000);
  return high * 0x1_0000_0000 + low;
}
