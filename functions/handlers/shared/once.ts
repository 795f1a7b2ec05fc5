/** Resolves once, on the first invocation, and keeps the result for the life of the instance. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined; // a failed cold start is tried again by the next invocation
      throw error;
    });
    return made;
  };
}
