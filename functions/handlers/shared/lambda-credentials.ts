import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (infra/lib/cairn-function.ts
 * aliases it there). Lambda hands a function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN, and the SDK's default chain takes them from there too: its first link is this same
 * `fromEnv`. The links after it (SSO, ini files, processes, web identity, container and instance metadata)
 * never run in Lambda, yet bundling them costs 134 KB and their module initialisation on every cold start
 * (docs/benchmarks.md). Tests, the CLI and the local stack keep the SDK's full chain.
 */
export function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> {
  const fromLambdaEnvironment = fromEnv(init);
  return async () => {
    try {
      return await fromLambdaEnvironment();
    } catch (error) {
      throw new Error(
        'no AWS credentials in the environment. Cairn function bundles read only the credentials Lambda sets ' +
          '(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); to run a bundle elsewhere, set those. ' +
          'For a local run use `npm start`, which uses the full credential chain.',
        { cause: error },
      );
    }
  };
}
