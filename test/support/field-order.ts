/**
 * Moves an object's own fields, in place, into the order `rank` gives (ties by name), as a stored object's
 * JSON keeps its fields in the order they were added: for tests that the code reading it does not depend on
 * that order.
 */
export function moveFields(target: object, rank: (key: string) => number): void {
  const order = Object.keys(target).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  for (const key of order) {
    const value: unknown = Reflect.get(target, key);
    Reflect.deleteProperty(target, key);
    Reflect.set(target, key, value);
  }
}
