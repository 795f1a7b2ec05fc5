import { type Secrets, secretsFrom } from '../core/ports/secrets.ts';

/** The environment variable that holds a secret locally: CAIRN_SECRET_ and the name, upper case, other characters as _. */
export function secretVariable(name: string): string {
  return `CAIRN_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Secrets for the local stack: the values given, else the environment (never a file in the repository). */
export function localSecrets(
  values: Readonly<Record<string, string>>,
  environment: NodeJS.ProcessEnv,
): Secrets {
  const given = secretsFrom(values);
  return {
    async value(name) {
      if (name in values) return given.value(name);
      const found = environment[secretVariable(name)];
      if (found === undefined) throw new Error(`no secret named "${name}" (set ${secretVariable(name)})`);
      return found;
    },
  };
}
