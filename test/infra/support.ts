import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as z from 'zod';
import { addCairn, type CairnApp, PROJECT_ROOT } from '../../infra/lib/app.ts';
import type { FunctionName, HandlerName } from '../../infra/lib/cairn-function.ts';

/** The feature flags and context of cdk.json, so that tests synthesize what `cdk synth` does. */
const CdkJson = z.object({ context: z.record(z.string(), z.unknown()) });
const cdkContext = CdkJson.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'))).context;

export type Synthesized = CairnApp & {
  app: App;
  outdir: string;
  statefulTemplate: Template;
  statelessTemplate: Template;
};

/**
 * Synthesizes one environment as `cdk synth -c env=<env>` does, into a temporary folder. Without `bundle` the
 * functions are not bundled (CDK's own switch for it): a few seconds instead of a dozen, for the tests that look
 * at templates only.
 */
export async function synthesize(
  env: string,
  { bundle = false, configs }: { bundle?: boolean; configs?: Record<string, unknown> } = {},
): Promise<Synthesized> {
  const outdir = mkdtempSync(join(tmpdir(), `cairn-${env}-`));
  const app = new App({
    outdir,
    // The CDK CLI records each asset's folder on its resource; the bundle tests read it there.
    context: {
      ...cdkContext,
      'aws:cdk:enable-asset-metadata': true,
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const cairn = await addCairn({ app, env, overrides: {}, ...(configs ? { configs } : {}) });
  app.synth();
  return {
    ...cairn,
    app,
    outdir,
    statefulTemplate: Template.fromStack(cairn.stateful),
    statelessTemplate: Template.fromStack(cairn.stateless),
  };
}

/** Removes what a synthesis wrote (bundles included: tens of megabytes). */
export function removeOutput(synthesized: Synthesized | undefined): void {
  if (synthesized) rmSync(synthesized.outdir, { recursive: true, force: true });
}

const Resource = z.object({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() });
const TemplateJson = z.object({
  Resources: z.record(z.string(), Resource),
  Outputs: z
    .record(z.string(), z.object({ Value: z.unknown(), Export: z.object({ Name: z.string() }).optional() }))
    .optional(),
});
type TemplateJson = z.infer<typeof TemplateJson>;

/** The resources of a template of one type, by logical id. */
export function resourcesOf(template: Template, type: string): [string, Record<string, unknown>][] {
  const json = TemplateJson.parse(template.toJSON());
  return Object.entries(json.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** A logical id without the hash CDK appends: `IngestQueue2280FF4E` is `IngestQueue`. */
export const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

const Intrinsic = z.union([
  z.object({ Ref: z.string() }),
  z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) }),
  z.object({ 'Fn::ImportValue': z.string() }),
  z.object({ 'Fn::Join': z.tuple([z.literal(''), z.array(z.unknown())]) }),
]);

/**
 * Reads CloudFormation values of the stateless stack as names of what they point at, following imports into
 * the stateful stack: `{ "Fn::GetAtt": ["SendQueue1F034DCA", "Arn"] }` is `SendQueue.Arn`, a `Ref` is the bare
 * name, an import is what the stateful stack exports under that name.
 */
export class Resolver {
  private readonly stateless: TemplateJson;
  private readonly stateful: TemplateJson;
  readonly account: string;
  readonly region: string;

  constructor(synthesized: Synthesized) {
    this.stateless = TemplateJson.parse(synthesized.statelessTemplate.toJSON());
    this.stateful = TemplateJson.parse(synthesized.statefulTemplate.toJSON());
    this.account = synthesized.config.account;
    this.region = synthesized.config.region;
  }

  /** What a value points at: `SendQueue.Arn`, `Table` (a Ref), a literal string as it is. */
  name(value: unknown, template: TemplateJson = this.stateless): string {
    if (typeof value === 'string') return value;
    const intrinsic = Intrinsic.parse(value);
    if ('Ref' in intrinsic) return withoutHash(intrinsic.Ref);
    if ('Fn::GetAtt' in intrinsic) {
      const [id, attribute] = intrinsic['Fn::GetAtt'];
      return `${withoutHash(id)}.${attribute}`;
    }
    if ('Fn::ImportValue' in intrinsic)
      return this.name(this.exported(intrinsic['Fn::ImportValue']), this.stateful);
    return intrinsic['Fn::Join'][1].map((part) => this.name(part, template)).join('');
  }

  /**
   * A plausible deployed value, as CloudFormation would give it: a queue's Ref is its URL, a table's its name, a
   * secret's its ARN, a function URL's `FunctionUrl` an https URL. Anything else is a test failure, not a guess.
   */
  deployedValue(value: unknown, template: TemplateJson = this.stateless): string {
    if (typeof value === 'string') return value;
    const intrinsic = Intrinsic.parse(value);
    if ('Fn::ImportValue' in intrinsic)
      return this.deployedValue(this.exported(intrinsic['Fn::ImportValue']), this.stateful);
    if ('Ref' in intrinsic) {
      const id = intrinsic.Ref;
      const type = template.Resources[id]?.Type;
      switch (type) {
        case 'AWS::SQS::Queue':
          return `https://sqs.${this.region}.amazonaws.com/${this.account}/${id}`;
        case 'AWS::DynamoDB::Table':
        case 'AWS::KinesisFirehose::DeliveryStream':
          return id;
        case 'AWS::SecretsManager::Secret':
          return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${id}-AbCdEf`;
        default:
          throw new Error(`no deployed value for a Ref to ${id} (${type})`);
      }
    }
    if ('Fn::GetAtt' in intrinsic) {
      const [id, attribute] = intrinsic['Fn::GetAtt'];
      if (template.Resources[id]?.Type === 'AWS::Lambda::Url' && attribute === 'FunctionUrl')
        return `https://${id.toLowerCase()}.lambda-url.${this.region}.on.aws/`;
      throw new Error(`no deployed value for ${id}.${attribute}`);
    }
    throw new Error(`no deployed value for ${JSON.stringify(value)}`);
  }

  private exported(exportName: string): unknown {
    const output = Object.values(this.stateful.Outputs ?? {}).find((o) => o.Export?.Name === exportName);
    if (!output) throw new Error(`the stateful stack exports no ${exportName}`);
    return output.Value;
  }
}

export const FUNCTIONS: FunctionName[] = ['ingest', 'timers', 'deliver', 'feedback', 'unsubscribe', 'calls'];
/**
 * Every function bundle: the runtime's, the profile import's (infra/lib/profile-import.ts), the segment scan's
 * (infra/lib/segment-scan.ts) and the scheduled runs' (infra/lib/audience-runs.ts).
 */
export const BUNDLED: HandlerName[] = [...FUNCTIONS, 'import', 'segments', 'runs'];
/** The construct paths of the functions that are not `<Name>Function` as the runtime's are. */
const NESTED_FUNCTION_IDS: Partial<Record<HandlerName, string>> = {
  import: 'ProfileImportImportFunction',
  segments: 'SegmentScanSegmentsFunction',
  runs: 'AudienceRunsRunsFunction',
};

const AssetTemplate = z.object({
  Resources: z.record(
    z.string(),
    z.object({ Type: z.string(), Metadata: z.object({ 'aws:asset:path': z.string() }).partial().optional() }),
  ),
});

/** The folder of each function's bundle in a synthesis made with `bundle: true` (index.mjs, its map, journeys/). */
export function bundlesOf(synthesized: Synthesized): Map<HandlerName, string> {
  const template = AssetTemplate.parse(synthesized.statelessTemplate.toJSON());
  return new Map(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]): [HandlerName, string] => {
        const name = BUNDLED.find(
          (fn) =>
            withoutHash(id) ===
            (NESTED_FUNCTION_IDS[fn] ?? `${fn.charAt(0).toUpperCase()}${fn.slice(1)}Function`),
        );
        const asset = r.Metadata?.['aws:asset:path'];
        if (!name || !asset) throw new Error(`no bundle for ${id}`);
        return [name, join(synthesized.outdir, asset)];
      }),
  );
}

const PolicyStatement = z.object({
  Effect: z.literal('Allow'),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
  Condition: z.unknown().optional(),
});
/** An `AWS::IAM::Policy`'s properties: its statements and the roles it is attached to. */
export const PolicyProperties = z.object({
  PolicyDocument: z.object({ Statement: z.array(PolicyStatement) }),
  Roles: z.array(z.object({ Ref: z.string() })),
});

/** A state machine's definition, with its states as the tests look at them. */
export const StateMachineDefinition = z.object({
  StartAt: z.string(),
  States: z.record(z.string(), z.looseObject({ Type: z.string() })),
});
export type StateMachineDefinition = z.infer<typeof StateMachineDefinition>;

/** As Resolver.name, and any other intrinsic (an Fn::Select in an execution ARN) as its JSON. */
export function nameIn(resolver: Resolver, value: unknown): string {
  const join = z.object({ 'Fn::Join': z.tuple([z.literal(''), z.array(z.unknown())]) }).safeParse(value);
  if (join.success) return join.data['Fn::Join'][1].map((part) => nameIn(resolver, part)).join('');
  try {
    return resolver.name(value);
  } catch {
    return JSON.stringify(value);
  }
}

/** The statements of the policies attached to the stateless stack's roles named `rolePrefix...`, as `action resource` lines. */
export function allowedTo(synthesized: Synthesized, resolver: Resolver, rolePrefix: string): string[] {
  return resourcesOf(synthesized.statelessTemplate, 'AWS::IAM::Policy')
    .map(([, properties]) => PolicyProperties.parse(properties))
    .filter((policy) => policy.Roles.some((role) => withoutHash(role.Ref).startsWith(rolePrefix)))
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .flatMap((statement) => {
      const resources = [statement.Resource].flat().map((resource) => nameIn(resolver, resource));
      return [statement.Action]
        .flat()
        .flatMap((action) => resources.map((resource) => `${action} ${resource}`));
    })
    .sort();
}

/** The definition of the stateless stack's state machine whose logical id, without its hash, is `logicalId`. */
export function definitionOf(
  synthesized: Synthesized,
  resolver: Resolver,
  logicalId: string,
): StateMachineDefinition {
  const [[, properties] = ['', {}]] = resourcesOf(
    synthesized.statelessTemplate,
    'AWS::StepFunctions::StateMachine',
  ).filter(([id]) => withoutHash(id) === logicalId);
  const text = resolver.name(z.object({ DefinitionString: z.unknown() }).parse(properties).DefinitionString);
  return StateMachineDefinition.parse(JSON.parse(text));
}
