import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type ConfigOverrides, type Env, type EnvironmentConfig, selectEnvironment } from '../config.ts';
import { type ShippedConfig, validateConfigFolder } from './journeys.ts';
import { prefixOf, StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** The repository root: where functions/, journeys/ and package-lock.json are. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type CairnAppOptions = {
  /** The app to add the stacks to; its context holds `env` and the overrides when run by the CDK CLI. */
  app: App;
  /** The environment's name; by default the `env` context value (`-c env=dev`). */
  env?: string;
  overrides?: ConfigOverrides;
  /**
   * The folder of journeys, templates and settings to validate and ship; by default the `journeys` context value
   * (`-c journeys=path`), else journeys/.
   */
  configFolder?: string;
  /** The environment configurations to choose from; by default infra/config.ts's. */
  configs?: Record<string, unknown>;
};

export type CairnApp = {
  env: Env;
  config: EnvironmentConfig;
  shipped: ShippedConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
};

/**
 * Adds one environment's stacks to `app`. Before any stack exists, the configuration is parsed and the journeys
 * folder validated: either failing throws (ConfigError, JourneyValidationError) and nothing is synthesized.
 * cdk-nag's AwsSolutions checks run at synthesis; an unacknowledged finding fails it.
 */
export async function addCairn(options: CairnAppOptions): Promise<CairnApp> {
  const { app } = options;
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' ? value : undefined;
  };
  const { env, config } = selectEnvironment(
    options.env ?? context('env'),
    options.overrides ?? {
      account: context('account'),
      region: context('region'),
      alarmEmail: context('alarmEmail'),
    },
    options.configs,
  );
  // Relative to the working directory, so the validator's messages read like `cairn validate`'s.
  const folder =
    options.configFolder ??
    context('journeys') ??
    (relative(process.cwd(), join(PROJECT_ROOT, 'journeys')) || '.');
  const shipped = await validateConfigFolder(
    folder,
    config.policyEnvironment,
    config.defaultTimezone,
    PROJECT_ROOT,
  );

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Tags.of(app).add('cairn:environment', env);
  const placement = { account: config.account, region: config.region };
  const prefix = prefixOf(env);
  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    env: placement,
    name: env,
    config,
    description: `Cairn ${env}: data, bus, dead letters, keys, alarm topic`,
    terminationProtection: config.retention.retainData,
  });
  const stateless = new StatelessStack(app, `${prefix}-stateless`, {
    env: placement,
    name: env,
    config,
    stateful,
    shipped,
    projectRoot: PROJECT_ROOT,
    description: `Cairn ${env}: functions, queues, rules, schedule, dashboard, alarms`,
  });
  return { env, config, shipped, stateful, stateless };
}
