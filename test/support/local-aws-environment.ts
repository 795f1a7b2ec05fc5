import { afterEach, beforeEach } from 'vitest';

/** What the SDK's default chain reads. */
const SDK_VARIABLES = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_EC2_METADATA_DISABLED',
] as const;

/**
 * Points the SDK's default chain, for each test of the file, at a local DynamoDB endpoint with fake
 * credentials (and `extra`, e.g. a region), and gives the variables back after it, so that a command built
 * the way a user runs it (`cairn journeys ...`) never reaches a real account or the network.
 */
export function useLocalAwsEnvironment(endpoint: () => string, extra: Record<string, string> = {}): void {
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(SDK_VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of SDK_VARIABLES) delete process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // Never look for real credentials or configuration on this machine, nor on the network.
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extra,
    });
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
