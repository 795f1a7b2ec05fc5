import { join } from 'node:path';
import { AssetHashType, type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type * as z from 'zod';
import type { ChannelEnvironment, RuntimeEnvironment } from '../../functions/handlers/shared/environment.ts';
import { BUNDLED_CONFIG_DIR, LocalFunctionBundling } from './function-bundle.ts';
import type { ShippedConfig } from './journeys.ts';

/** The functions, by the name their folder in functions/handlers/ and their Powertools service share. */
export type FunctionName = 'ingest' | 'deliver' | 'timers' | 'unsubscribe' | 'feedback' | 'calls';
/**
 * Every function CairnFunction builds: the runtime's, the profile import's batch worker (profile-import.ts), the
 * segment scan's worker (segment-scan.ts) and the steps of scheduled runs (audience-runs.ts).
 */
export type HandlerName = FunctionName | 'import' | 'segments' | 'runs';

/** Every handler, in the order the benches print them. */
export const HANDLER_NAMES = [
  'ingest',
  'timers',
  'deliver',
  'feedback',
  'unsubscribe',
  'calls',
  'import',
  'segments',
  'runs',
] as const satisfies readonly HandlerName[];

/** The module a function's bundle is built from, relative to the project root. */
export function handlerEntry(name: HandlerName): string {
  return join('functions', 'handlers', name, 'index.ts');
}

/** A variable Cairn's runtime reads, named as its zod schemas (functions/handlers/shared/environment.ts) name it. */
export type CairnVariable =
  | keyof z.input<typeof RuntimeEnvironment>
  | keyof z.input<typeof ChannelEnvironment>;

/**
 * What a function needs to use one resource: the variables that tell it where the resource is, and the IAM
 * statements that let it call the resource. Handed to `CairnFunction.use` as one, so that no function can be
 * told about a resource without the permission to use it, or be given a permission it is not told to use.
 */
export type RuntimeGrant = {
  variables: Partial<Record<CairnVariable, string>>;
  statements: PolicyStatement[];
};

const LAMBDA_TASK_ROOT = '/var/task';

export type CairnFunctionProps = {
  name: HandlerName;
  description: string;
  /** The repository root: the bundler's project root, holding functions/ and node_modules/. */
  projectRoot: string;
  /** The configuration folder to ship, for the functions that load journeys; none for the others. */
  shipped?: ShippedConfig;
  memorySize: number;
  timeout: Duration;
  /** The environment's CloudWatch namespace (`metricsNamespace` of functions/handlers/shared/observability.ts). */
  metricsNamespace: string;
  /** A name ops can type: `aws logs tail /cairn-dev/ingest --follow`. */
  logGroupName: string;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
};

/**
 * The one way Cairn builds a Lambda function: Node.js 22 on arm64, an ESM bundle split where the handler loads
 * on first use (`functionBuildOptions` of function-bundle.ts), its own log group with the environment's
 * retention, the Powertools environment, and a role that starts empty: only `use` adds to it.
 */
export class CairnFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly name: HandlerName;

  constructor(scope: Construct, id: string, props: CairnFunctionProps) {
    super(scope, id);
    this.name = props.name;
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Cairn ${props.name}: only what the function calls`,
    });
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    const entry = handlerEntry(props.name);
    this.function = new LambdaFunction(this, 'Function', {
      description: props.description,
      code: Code.fromAsset(props.projectRoot, {
        // The hash of what is deployed, not of the repository the bundle is built from.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: new LocalFunctionBundling(entry, props.projectRoot, props.shipped),
          // Required by the type, never run: the local bundling builds or throws.
          image: Runtime.NODEJS_22_X.bundlingImage,
        },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the runtime issue 8 specifies, and the esbuild target of the bundle. Moving to a newer runtime is a change to make deliberately, with its tests, not one a CDK upgrade should make silently.',
    });
    if (props.shipped)
      this.function.addEnvironment('CAIRN_CONFIG_DIR', `${LAMBDA_TASK_ROOT}/${BUNDLED_CONFIG_DIR}`);
  }

  /** Tells the function where a resource is and lets it call the resource: both or neither. */
  use(grant: RuntimeGrant): this {
    for (const [name, value] of Object.entries(grant.variables)) {
      if (value !== undefined) this.function.addEnvironment(name, value);
    }
    for (const statement of grant.statements) this.role.addToPolicy(statement);
    return this;
  }

  /** A setting that takes no permission (the policy environment, a time zone, a segment limit). */
  setting(name: CairnVariable, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }
}
