import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { UnsubscribeKeys } from '../../core/unsubscribe/token.ts';

const MIN_KEY_BYTES = 32;

/**
 * The secret's value: the current key first, then any previous ones, whitespace-separated. Each key is used as
 * its UTF-8 bytes, so the CDK app can let Secrets Manager generate it (64 random alphanumerics, about 380
 * bits) and rotation only prepends a new one. Keeping the previous key a while keeps links already sent working.
 */
const KeyList = z.lazy(() =>
  z
    .string()
    .transform((text) => text.split(/\s+/).filter(Boolean))
    .pipe(
      z
        .array(
          z
            .string()
            .refine((k) => Buffer.byteLength(k) >= MIN_KEY_BYTES, `keys need ${MIN_KEY_BYTES} bytes or more`),
        )
        .min(1, 'the secret holds no key'),
    ),
);

/**
 * Reads the unsubscribe signing keys from Secrets Manager, so that no key is in code, in the bundle or in an
 * environment variable (issue 8). Read once per cold start.
 */
export async function loadUnsubscribeKeys(
  client: SecretsManagerClient,
  secretId: string,
): Promise<UnsubscribeKeys> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return unsubscribeKeysFrom(SecretString ?? '', secretId);
}

/** The keys in a secret's text; throws with what is wrong and where. */
export function unsubscribeKeysFrom(text: string, secretId: string): UnsubscribeKeys {
  const parsed = KeyList.safeParse(text);
  if (!parsed.success)
    throw new Error(`secret ${secretId}: ${parsed.error.issues[0]?.message ?? 'not a key list'}`);
  const [current, ...previous] = parsed.data.map((key) => new Uint8Array(Buffer.from(key, 'utf8')));
  if (!current) throw new Error(`secret ${secretId}: the secret holds no key`);
  return previous.length > 0 ? { current, previous } : { current };
}
