import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  loadUnsubscribeKeys,
  unsubscribeKeysFrom,
} from '../../../functions/adapters/secrets/unsubscribe-keys.ts';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(40);

describe('unsubscribe keys from Secrets Manager', () => {
  it('reads the current key first and keeps the previous ones for verifying', async () => {
    // Prepare
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: 'cairn/dev/unsubscribe' }).resolves({
      SecretString: `${KEY_A}\n${KEY_B}\n`,
    });

    // Act
    const keys = await loadUnsubscribeKeys(new SecretsManagerClient({}), 'cairn/dev/unsubscribe');

    // Assess
    expect(Buffer.from(keys.current).toString()).toBe(KEY_A);
    expect(keys.previous?.map((k) => Buffer.from(k).toString())).toEqual([KEY_B]);
    secrets.restore();
  });

  it('refuses a key shorter than 32 bytes, naming the secret', () => {
    // Act and Assess
    expect(() => unsubscribeKeysFrom('short', 'cairn/dev/unsubscribe')).toThrow(
      /secret cairn\/dev\/unsubscribe: keys need 32 bytes or more/,
    );
    expect(() => unsubscribeKeysFrom('  ', 'cairn/dev/unsubscribe')).toThrow(/holds no key/);
  });
});
