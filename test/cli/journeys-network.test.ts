import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { explainNetworkError } from '../../functions/cli/network-errors.ts';
import { useLocalAwsEnvironment } from '../support/local-aws-environment.ts';
import { memoryIo } from './support.ts';

/** A loopback port nothing listens on: one the system gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let endpoint = '';
beforeAll(async () => {
  endpoint = `http://127.0.0.1:${await closedPort()}`;
});
useLocalAwsEnvironment(() => endpoint, { AWS_REGION: 'local', AWS_MAX_ATTEMPTS: '1' });

describe('cairn journeys with credentials but an endpoint it cannot reach', () => {
  it('says what it tried (ECONNREFUSED) and how to fix it, with exit code 1 and no stack trace', async () => {
    // Prepare
    const { io, err } = memoryIo();

    // Act
    const code = await main(['journeys', 'list', '--env', 'dev'], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      `cairn journeys: could not reach DynamoDB at ${endpoint}: ECONNREFUSED, nothing accepts connections there; check AWS_ENDPOINT_URL_DYNAMODB (${endpoint}), or unset it to use AWS`,
    ]);
  });

  it('says the same for the runs of a journey', async () => {
    // Prepare
    const { io, err } = memoryIo();

    // Act
    const code = await main(['journeys', 'runs', 'weekly-newsletter', '--env', 'dev'], io);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      `cairn journeys: could not reach DynamoDB at ${endpoint}: ECONNREFUSED, nothing accepts connections there; check AWS_ENDPOINT_URL_DYNAMODB (${endpoint}), or unset it to use AWS`,
    ]);
  });

  it('explains a host that does not resolve (ENOTFOUND), wrapped as the SDK wraps it', () => {
    // Prepare: Node's error, as the SDK's HTTP handler passes it on
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND dynamodb.nowhere-1.amazonaws.com'), {
      code: 'ENOTFOUND',
    });
    const wrapped = Object.assign(new Error('request failed'), { cause: new AggregateError([dns]) });
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;

    // Act
    const message = explainNetworkError(
      wrapped,
      'DynamoDB',
      'https://dynamodb.nowhere-1.amazonaws.com',
      'AWS_ENDPOINT_URL_DYNAMODB',
    );
    process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;

    // Assess
    expect(message).toBe(
      'could not reach DynamoDB at https://dynamodb.nowhere-1.amazonaws.com: ENOTFOUND, the host name does not resolve; check --region and your network (a proxy, VPN or firewall may block it)',
    );
    expect(explainNetworkError(new Error('ValidationException'), 'DynamoDB', 'x', 'Y')).toBeUndefined();
  });
});
