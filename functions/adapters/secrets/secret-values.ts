import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Secrets } from '../../core/ports/secrets.ts';

/** How long a secret value is kept in memory before it is read again (a rotation applies within this). */
const CACHE_MS = 5 * 60_000;

/**
 * Call header secrets from Secrets Manager, by name, cached for a few minutes per function instance. The
 * calls function may read only the secrets its journeys name (infra grants exactly those).
 */
export class SecretsManagerSecrets implements Secrets {
  private readonly cache = new Map<string, { value: string; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly now: () => number = Date.now,
  ) {}

  async value(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && cached.until > this.now()) return cached.value;
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: name }));
    if (SecretString === undefined) throw new Error(`secret "${name}" holds no text`);
    this.cache.set(name, { value: SecretString, until: this.now() + CACHE_MS });
    return SecretString;
  }
}
