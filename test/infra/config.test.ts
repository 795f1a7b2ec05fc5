import { describe, expect, it } from 'vitest';
import { ConfigError, environments, selectEnvironment } from '../../infra/config.ts';

/** A copy of a sample configuration with one change, for the configurations that must be refused. */
function sampleWith(change: (config: Record<string, unknown>) => void): Record<string, unknown> {
  const config: Record<string, unknown> = structuredClone(environments.prod);
  change(config);
  return { ...environments, prod: config };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('selectEnvironment', () => {
  it.each(['dev', 'staging', 'prod'])('parses the sample configuration of %s', (name) => {
    // Act
    const { env, config } = selectEnvironment(name);

    // Assess
    expect(env).toBe(name);
    expect(config.account).toMatch(/^\d{12}$/);
    expect(config.retention.retainData).toBe(name === 'prod');
  });

  it('refuses an unknown environment, naming the ones that exist', () => {
    // Act
    const message = refusal(() => selectEnvironment('qa'));

    // Assess
    expect(message).toBe('unknown environment "qa": expected one of dev, staging, prod');
  });

  it('refuses to choose when no environment is given, saying how to give one', () => {
    // Act
    const message = refusal(() => selectEnvironment(undefined));

    // Assess
    expect(message).toBe(
      'no environment chosen: pass one of -c env=dev, -c env=staging, -c env=prod (e.g. npx cdk synth -c env=dev)',
    );
  });

  it('says which required value is missing, and where', () => {
    // Prepare
    const configs = sampleWith((config) => {
      delete config.alarmEmail;
    });

    // Act
    const message = refusal(() => selectEnvironment('prod', {}, configs));

    // Assess
    expect(message).toBe(
      'the configuration of environment "prod" (infra/config.ts) is not valid:\n  alarmEmail: required, but missing',
    );
  });

  it('lists every wrong value with its path', () => {
    // Prepare
    const configs = sampleWith((config) => {
      config.region = 'Ireland';
      config.channels = { sms: { originationIdentityArn: '+15550100', configurationSetName: 'x' } };
    });

    // Act
    const message = refusal(() => selectEnvironment('prod', {}, configs));

    // Assess
    expect(message).toContain('region: expected an AWS Region such as eu-west-1');
    expect(message).toContain(
      'channels.sms.originationIdentityArn: expected the ARN of an End User Messaging phone number, pool or sender id',
    );
  });

  it('refuses event sources that belong to AWS or to Cairn itself', () => {
    // Prepare
    const configs = sampleWith((config) => {
      config.eventSources = ['com.example.shop', 'cairn.journeys'];
    });

    // Act
    const message = refusal(() => selectEnvironment('prod', {}, configs));

    // Assess
    expect(message).toContain('eventSources.1: sources starting with "aws." or "cairn." are reserved');
  });

  it('refuses a key it does not know, so a misspelt setting is not silently ignored', () => {
    // Prepare
    const configs = sampleWith((config) => {
      config.alarmEmial = 'ops@example.com';
    });

    // Act
    const message = refusal(() => selectEnvironment('prod', {}, configs));

    // Assess
    expect(message).toContain('alarmEmial');
  });

  it('keeps the table on demand unless told, and refuses provisioned bounds whose minimum exceeds the maximum', () => {
    // Prepare
    const configs = sampleWith((config) => {
      config.tableCapacity = {
        provisioned: {
          reads: { min: 5, max: 100 },
          writes: { min: 200, max: 100 },
          indexes: { reads: { min: 1, max: 10 }, writes: { min: 1, max: 10 } },
        },
      };
    });

    // Act
    const { config } = selectEnvironment('dev');
    const message = refusal(() => selectEnvironment('prod', {}, configs));

    // Assess
    expect(config.tableCapacity).toBe('on-demand');
    expect(message).toContain('tableCapacity.provisioned.writes: min must be at most max');
  });

  it('applies overrides given at synth time, and checks them like the rest', () => {
    // Act
    const { config } = selectEnvironment('prod', { account: '444455556666', region: 'us-east-1' });
    const message = refusal(() => selectEnvironment('prod', { account: '1234' }));

    // Assess
    expect(config.account).toBe('444455556666');
    expect(config.region).toBe('us-east-1');
    expect(message).toContain('account: expected an AWS account id: 12 digits');
  });
});
