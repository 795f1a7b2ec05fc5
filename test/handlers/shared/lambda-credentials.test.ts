import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../../functions/handlers/shared/lambda-credentials.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the credential provider of the Lambda bundles', () => {
  it('answers with the credentials Lambda puts in the environment', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('says which variables it reads when they are not set', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');

    // Act
    const resolving = defaultProvider()();

    // Assess
    await expect(resolving).rejects.toThrow(
      /no AWS credentials in the environment.*AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN/,
    );
  });
});
