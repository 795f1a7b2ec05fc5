/** Runs `work` after every earlier call with the same key has settled, and at once beside other keys' work. */
export type Serialize = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/**
 * A serializer that chains each key's calls, one after the other in the order they were made, while calls of
 * different keys run concurrently. A call that fails does not stop the ones after it: each settles on its own.
 * A key's chain is forgotten once its last call settles, so memory follows the keys in flight.
 */
export function keyedQueue(): Serialize {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    // A tail never rejects (see below), so `work` runs whether the key's previous call succeeded or failed.
    const run = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** Runs each call at once: the serializer of a caller that has one call in flight (a direct invocation, a test). */
export const unserialized: Serialize = (_key, work) => work();
