/**
 * Secret values by name, for call headers written `{ secret: NAME }`: Secrets Manager on AWS, the environment
 * or a map on the local stack. A value is used only where the request is made and is never logged, stored or
 * put in an outcome.
 */
export interface Secrets {
  /** The secret's value; throws naming the secret (never its value) when it cannot be read. */
  value(name: string): Promise<string>;
}

/** Secrets from a map, for the local stack and tests. */
export function secretsFrom(values: Readonly<Record<string, string>>): Secrets {
  return {
    async value(name) {
      const found = values[name];
      if (found === undefined) throw new Error(`no secret named "${name}"`);
      return found;
    },
  };
}
