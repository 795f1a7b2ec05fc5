import { stableJson } from '../collections/stable-json.ts';
import { type CustomerState, newCustomerState } from '../engine/state.ts';
import type { CustomerStateStore, SaveResult, StoredCustomerState } from '../ports/customer-state-store.ts';

// The optimistic cycle of every change to a customer's state, apart from the engine's use of it
// (read-process-write.ts): the feedback function's suppressions and the stores' retries use it without the
// engine, and importing the engine for it put the whole engine in the feedback function's cold start
// (docs/benchmarks.md, "Function bundles").

export type ReadModifyWriteOptions = {
  store: CustomerStateStore;
  /** Attempts before giving up with a StateConflictError (default 8). */
  maxAttempts?: number;
  /** Milliseconds to wait before attempt `attempt` (2, 3, ...); default: exponential with full jitter. */
  backoff?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  /** The most UTF-8 bytes of the state's JSON the store may write (ports/customer-state-store.ts); no limit if absent. */
  maxBytes?: number;
};

/** Every attempt lost to a concurrent save. The input was not applied; the caller retries it later. */
export class StateConflictError extends Error {
  constructor(
    readonly userId: string,
    readonly attempts: number,
  ) {
    super(`customer ${userId}: state changed concurrently on each of ${attempts} attempts`);
    this.name = 'StateConflictError';
  }
}

export const DEFAULT_MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 200;

/**
 * Full jitter (a uniform wait up to an exponentially growing cap) spreads writers that collided apart, so that
 * the next round has fewer collisions than the last instead of the same ones again.
 */
export function jitteredBackoff(random: () => number = Math.random): (attempt: number) => number {
  return (attempt) => Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What one attempt of readModifyWrite makes of the state it read, and what it hands back to the caller. */
export type Modified<T> = { state: CustomerState; value: T };

export type ModifiedAndSaved<T> = Modified<T> & {
  /** The stored version after this call, or undefined for a customer that is still not stored. */
  version: number | undefined;
  /** False when `modify` returned the very state it was given, or the store refused it, so nothing was written. */
  written: boolean;
  attempts: number;
  /** The UTF-8 bytes of the state `modify` made, when the store refused it as over `maxBytes`. */
  tooLarge?: number;
};

/**
 * The optimistic cycle every change to a customer's state goes through: load the state (1 read), let `modify`
 * make the new state from it, save that under the version that was read (1 write). When another writer saved
 * in between, the save fails and the whole cycle runs again on the newer state, so no update is lost. `modify`
 * may read but must change nothing itself: it runs once per attempt, and only the value of the attempt that
 * was saved is returned. It returning the very state it was given means "nothing to change", and then nothing
 * is written. A state the store refuses as larger than `maxBytes` is not written nor tried again (`tooLarge`).
 */
export async function readModifyWrite<T>(
  userId: string,
  modify: (before: CustomerState) => Modified<T> | Promise<Modified<T>>,
  options: ReadModifyWriteOptions,
): Promise<ModifiedAndSaved<T>> {
  const { store } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = options.backoff ?? jitteredBackoff();
  const sleep = options.sleep ?? sleepFor;
  // A save that reported a conflict, which may be this writer's own earlier write (a retried request).
  let refused: Written<T> | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep(backoff(attempt));
    const stored = await store.load(userId);
    if (refused && landed(stored, refused))
      return { ...refused.modified, version: refused.version, written: true, attempts: attempt - 1 };
    const before = stored?.state ?? newCustomerState(userId);
    const modified = await modify(before);
    if (modified.state === before)
      return { ...modified, version: stored?.version, written: false, attempts: attempt };
    const written: Written<T> = { modified, version: (stored?.version ?? 0) + 1 };
    const saved = await saveOrReadBack(store, userId, written, stored?.version, options.maxBytes);
    if (saved.ok) return { ...modified, version: saved.version, written: true, attempts: attempt };
    if (saved.reason === 'too-large')
      return {
        ...modified,
        version: stored?.version,
        written: false,
        attempts: attempt,
        tooLarge: saved.bytes,
      };
    refused = written;
  }
  throw new StateConflictError(userId, maxAttempts);
}

/** A state this writer saved, or tried to, and the version it gets if the save landed. */
type Written<T> = { modified: Modified<T>; version: number };

/**
 * Saves; when the save throws, its outcome is unknown (a timeout after the store took the write, a crash of the
 * connection), so the state is read back: found there as written, under the next version, the write landed
 * and the input goes on to hand its effects on. Otherwise the error stands and the input is retried whole. Without
 * this, the retry would find the input applied (a duplicate, engine/seen.ts) and its effects would be lost.
 * One extra read, only when a save throws.
 */
async function saveOrReadBack<T>(
  store: CustomerStateStore,
  userId: string,
  written: Written<T>,
  expectedVersion: number | undefined,
  maxBytes: number | undefined,
): Promise<SaveResult> {
  try {
    return await store.save(written.modified.state, expectedVersion, maxBytes);
  } catch (error) {
    if (landed(await store.load(userId), written)) return { ok: true, version: written.version };
    throw error;
  }
}

/** Whether the stored state is `written`'s, under its version: that write landed. */
function landed<T>(stored: StoredCustomerState | undefined, written: Written<T>): boolean {
  if (stored?.version !== written.version) return false;
  const state = written.modified.state;
  return stored.state === state || stableJson(stored.state) === stableJson(state);
}
