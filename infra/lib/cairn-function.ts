import { join, relative } from 'node:path';
import { AssetStaging, type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type * as z from 'zod';
import { COMPILED_CONFIG_FILE } from '../../functions/handlers/shared/compiled-config.ts';
import type { ChannelEnvironment, RuntimeEnvironment } from '../../functions/handlers/shared/environment.ts';
import type { ShippedConfig } from './journeys.ts';

/** The functions, by the name their folder in functions/handlers/ and their Powertools service share. */
export type FunctionName = 'ingest' | 'deliver' | 'timers' | 'unsubscribe' | 'feedback' | 'calls';
/**
 * Every function CairnFunction builds: the runtime's, the profile import's batch worker (profile-import.ts), the
 * segment scan's worker (segment-scan.ts) and the steps of scheduled runs (audience-runs.ts).
 */
export type HandlerName = FunctionName | 'import' | 'segments' | 'runs';

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

/** Where the configuration folder lands in the deployment package (Lambda unpacks it to /var/task). */
export const BUNDLED_CONFIG_DIR = 'journeys';
const LAMBDA_TASK_ROOT = '/var/task';

/**
 * esbuild's ESM output cannot call `require`, and some dependencies are CommonJS that require Node built-ins;
 * this gives the bundle a real `require` (the usual NodejsFunction ESM recipe).
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire as cairnCreateRequire } from 'node:module'; const require = cairnCreateRequire(import.meta.url);";

/**
 * The SDK's default credential chain, and what replaces it in the bundles: the same first link, the credentials
 * Lambda puts in the environment, without the others (functions/handlers/shared/lambda-credentials.ts).
 */
export const SDK_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
export const LAMBDA_CREDENTIALS = 'functions/handlers/shared/lambda-credentials.ts';

export type CairnFunctionProps = {
  name: HandlerName;
  description: string;
  /** The repository root: the bundler's project root, holding functions/ and package-lock.json. */
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
 * The one way Cairn builds a Lambda function: Node.js 22 on arm64, an ESM bundle made by esbuild with the AWS
 * SDK inside (so the code runs on the SDK version it was tested with, not the runtime's), `module` before
 * `main` so ESM builds of dependencies are chosen, source maps, its own log group with the environment's
 * retention, the Powertools environment, and a role that starts empty: only `use` adds to it.
 */
export class CairnFunction extends Construct {
  readonly function: NodejsFunction;
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
    const shipped = props.shipped;
    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: join(props.projectRoot, 'functions', 'handlers', props.name, 'index.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        bundleAwsSDK: true,
        externalModules: [],
        minify: true,
        sourceMap: true,
        // The maps point at the sources by path; leaving their text out keeps the package small.
        sourcesContent: false,
        banner: ESM_REQUIRE_SHIM,
        // Lambda's credentials are in the environment; the SDK's chain for every other place is left out.
        esbuildArgs: { '--alias': `${SDK_CREDENTIAL_CHAIN}=./${LAMBDA_CREDENTIALS}` },
        // esbuild reads that path from its working folder: the project root locally, and here in Docker.
        workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) =>
            shipped ? copyCommands(shipped, props.projectRoot, inputDir, outputDir) : [],
        },
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
    if (shipped)
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

/**
 * Shell commands copying the compiled configuration into the bundle. The path goes through `inputDir` (the
 * project root as the bundler sees it), so it holds for local bundling and for Docker.
 */
function copyCommands(
  shipped: ShippedConfig,
  projectRoot: string,
  inputDir: string,
  outputDir: string,
): string[] {
  const target = `${outputDir}/${BUNDLED_CONFIG_DIR}`;
  return [
    `mkdir -p ${quote(target)}`,
    `cp ${quote(`${inputDir}/${relative(projectRoot, shipped.file)}`)} ${quote(`${target}/${COMPILED_CONFIG_FILE}`)}`,
  ];
}

function quote(path: string): string {
  return `'${path.replaceAll("'", `'\\''`)}'`;
}
