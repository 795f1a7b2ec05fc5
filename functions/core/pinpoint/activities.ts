import type { Step } from '../journeys/schema.ts';
import type { ConditionContext } from './conditions.ts';
import { UniqueIds } from './names.ts';
import type { ObjectFindings } from './report.ts';
import type { Activity, WaitTime } from './source.ts';
import {
  conditionalSplitSteps,
  multiConditionSteps,
  type StepTools,
  type WaitStep,
  waitOf,
} from './splits.ts';

/** What an activity's steps need from the rest of the import. */
export type ActivityContext = Omit<ConditionContext, 'sendStepOf' | 'window'> & {
  /** The Cairn template of a Pinpoint template name, with the channels it has content for. */
  templateOf: (name: string) => { id: string; channels: string[] } | undefined;
  /**
   * Set for a draft journey, which Pinpoint let be unfinished (it checked a journey when it was published):
   * placeholders, each written once, for a message activity with no template chosen and a split with no
   * condition set.
   */
  unfinished?: UnfinishedParts;
};

/** The ids of the placeholders of an unfinished draft: a template, and a segment that selects no one. */
export type UnfinishedParts = { template: () => string; condition: () => string };

const KIND_NAMES: Record<string, string> = {
  EMAIL: 'email',
  SMS: 'sms',
  PUSH: 'push',
  CUSTOM: 'call',
  Wait: 'wait',
  ConditionalSplit: 'condition',
  MultiCondition: 'multi-condition',
  RandomSplit: 'random-split',
  Holdout: 'holdout',
  ContactCenter: 'contact-center',
};

function kindOf(activity: Activity): string | undefined {
  return Object.keys(KIND_NAMES).find((k) =>
    Object.entries(activity).some(([key, v]) => key === k && v !== undefined),
  );
}

const END = 'end';

/**
 * Turns a journey's activities into steps, in the order a customer meets them from the start activity. Each
 * activity gets a readable step id (its description, else its kind and number); an evaluation wait becomes a
 * wait step before its split. Returns undefined when an activity cannot be mapped.
 */
export function activitySteps(
  activities: Readonly<Record<string, Activity>>,
  start: string,
  context: ActivityContext,
  findings: ObjectFindings,
): { steps: Step[]; stepOf: ReadonlyMap<string, string> } | undefined {
  const order = reachableOrder(activities, start);
  for (const id of Object.keys(activities))
    if (!order.includes(id)) findings.skip(`Activities.${id}`, 'not reachable from StartActivity');
  const passOver = context.unfinished ? unfinishedPassOver(activities, order, findings) : new Map();
  const ids = new UniqueIds([END]);
  const counters = new Map<string, number>();
  const stepOf = new Map<string, string>();
  for (const id of order) {
    const activity = activities[id] ?? {};
    if (activity.ContactCenter || passOver.has(id)) continue;
    const kind = KIND_NAMES[kindOf(activity) ?? ''] ?? 'step';
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    stepOf.set(id, ids.take(activity.Description ? activity.Description : `${kind}-${n}`));
  }
  const builder = new StepBuilder(activities, stepOf, passOver, context, findings);
  const steps = order.flatMap((id) => builder.build(id));
  if (builder.failed) return undefined;
  if (builder.needsEnd) steps.push({ id: END, type: 'exit', reason: 'end-of-path' });
  return { steps, stepOf };
}

const isEmpty = (value: object) => Object.values(value).every((v) => v === undefined);

/** The unfinished waits of a draft (no wait time set), each with the activity its customers go straight on to. */
function unfinishedPassOver(
  activities: Readonly<Record<string, Activity>>,
  order: readonly string[],
  findings: ObjectFindings,
): Map<string, string | undefined> {
  const passOver = new Map<string, string | undefined>();
  for (const id of order) {
    const a = activities[id] ?? {};
    if (a.Wait && (a.Wait.WaitTime === undefined || isEmpty(a.Wait.WaitTime))) {
      passOver.set(id, a.Wait.NextActivity);
      findings.skip(
        `Activities.${id}.Wait`,
        'no wait time set (the journey is an unfinished draft): left out, its customers go straight on',
      );
    }
  }
  return passOver;
}

/** Activity ids in breadth-first order from the start. */
function reachableOrder(activities: Readonly<Record<string, Activity>>, start: string): string[] {
  const order: string[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift() ?? '';
    if (order.includes(id) || activities[id] === undefined) continue;
    order.push(id);
    queue.push(...nextActivities(activities[id] ?? {}));
  }
  return order;
}

function nextActivities(a: Activity): string[] {
  const all = [
    a.EMAIL?.NextActivity,
    a.SMS?.NextActivity,
    a.PUSH?.NextActivity,
    a.CUSTOM?.NextActivity,
    a.Wait?.NextActivity,
    a.Holdout?.NextActivity,
    a.ContactCenter?.NextActivity,
    a.ConditionalSplit?.TrueActivity,
    a.ConditionalSplit?.FalseActivity,
    ...(a.MultiCondition?.Branches ?? []).map((b) => b.NextActivity),
    a.MultiCondition?.DefaultActivity,
    ...(a.RandomSplit?.Branches ?? []).map((b) => b.NextActivity),
  ];
  return all.filter((n): n is string => n !== undefined);
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:/;

class StepBuilder implements StepTools {
  failed = false;
  needsEnd = false;

  constructor(
    private readonly activities: Readonly<Record<string, Activity>>,
    private readonly stepOf: ReadonlyMap<string, string>,
    private readonly passOver: ReadonlyMap<string, string | undefined>,
    private readonly context: ActivityContext,
    readonly findings: ObjectFindings,
  ) {}

  fail(path: string, why: string): Step[] {
    this.findings.skip(path, why);
    this.failed = true;
    return [];
  }

  /** The step that an activity id leads to: a contact-center or unfinished activity is passed over. */
  private target(next: string | undefined, seen: ReadonlySet<string> = new Set()): string | undefined {
    if (next === undefined || seen.has(next)) return undefined;
    const activity = this.activities[next];
    if (activity?.ContactCenter)
      return this.target(activity.ContactCenter.NextActivity, new Set([...seen, next]));
    if (this.passOver.has(next)) return this.target(this.passOver.get(next), new Set([...seen, next]));
    return this.stepOf.get(next);
  }

  /** A target that must exist (branches, variants): the end step when the activity has none. */
  required(next: string | undefined): string {
    const step = this.target(next);
    if (step !== undefined) return step;
    this.needsEnd = true;
    return END;
  }

  private nextOf(next: string | undefined): { next?: string } {
    const step = this.target(next);
    return step === undefined ? {} : { next: step };
  }

  build(activityId: string): Step[] {
    const a = this.activities[activityId] ?? {};
    const id = this.stepOf.get(activityId) ?? activityId;
    const at = `Activities.${activityId}`;
    if (this.passOver.has(activityId)) return [];
    if (a.ContactCenter) {
      this.findings.skip(
        `${at}.ContactCenter`,
        'Amazon Connect calls have no Cairn step: passed over to its NextActivity',
      );
      return [];
    }
    if (a.EMAIL) return this.send(id, 'email', a.EMAIL, `${at}.EMAIL`);
    if (a.SMS) return this.send(id, 'sms', a.SMS, `${at}.SMS`);
    if (a.PUSH) return this.send(id, 'push', a.PUSH, `${at}.PUSH`);
    if (a.CUSTOM) return this.call(id, a.CUSTOM, `${at}.CUSTOM`);
    if (a.Wait) {
      const wait = this.waitStep(id, a.Wait.WaitTime, `${at}.Wait.WaitTime`);
      return wait ? [{ ...wait, ...this.nextOf(a.Wait.NextActivity) }] : [];
    }
    if (a.Holdout) return this.holdout(id, a.Holdout, `${at}.Holdout`);
    if (a.RandomSplit) {
      const branches = a.RandomSplit.Branches ?? [];
      return [
        {
          id,
          type: 'split',
          variants: branches.map((b, i) => ({
            name: `path-${i + 1}`,
            percent: b.Percentage ?? 0,
            next: this.required(b.NextActivity),
          })),
        },
      ];
    }
    if (a.ConditionalSplit) return conditionalSplitSteps(this, id, a.ConditionalSplit, at);
    if (a.MultiCondition) return multiConditionSteps(this, id, a.MultiCondition, at);
    return this.fail(
      at,
      'an activity needs one of EMAIL, SMS, PUSH, CUSTOM, Wait, ConditionalSplit, MultiCondition, RandomSplit, Holdout or ContactCenter',
    );
  }

  private send(
    id: string,
    channel: 'email' | 'sms' | 'push',
    activity: NonNullable<Activity['EMAIL' | 'SMS' | 'PUSH']>,
    at: string,
  ): Step[] {
    const name = activity.TemplateName;
    const unfinished = name === undefined ? this.context.unfinished : undefined;
    if (unfinished) {
      const placeholder = unfinished.template();
      this.findings.skip(
        `${at}.TemplateName`,
        `no template chosen (the journey is an unfinished draft): the step sends the placeholder template ${placeholder}; choose one before you activate it`,
      );
      return [
        {
          id,
          type: 'send',
          channel,
          template: placeholder,
          priority: 'normal',
          ...this.nextOf(activity.NextActivity),
        },
      ];
    }
    const template = name === undefined ? undefined : this.context.templateOf(name);
    if (!template)
      return this.fail(`${at}.TemplateName`, `template ${name ?? '(none)'} is not in the export`);
    if (!template.channels.includes(channel))
      return this.fail(`${at}.TemplateName`, `template ${name} has no ${channel} content`);
    if (activity.TemplateVersion !== undefined)
      this.findings.change(
        `${at}.TemplateVersion`,
        'Cairn templates have no versions: the exported (active) version is used',
      );
    if (activity.MessageConfig && Object.keys(activity.MessageConfig).length > 0)
      this.findings.skip(
        `${at}.MessageConfig`,
        'sender identities (from address, origination number, sender id) are set per environment (docs/channels.md)',
      );
    this.findings.map(at, `send on ${channel} with template ${template.id} (step ${id})`);
    return [
      {
        id,
        type: 'send',
        channel,
        template: template.id,
        priority: 'normal',
        ...this.nextOf(activity.NextActivity),
      },
    ];
  }

  private call(id: string, custom: NonNullable<Activity['CUSTOM']>, at: string): Step[] {
    const uri = custom.DeliveryUri ?? '';
    const data = custom.MessageConfig?.Data;
    const common = {
      id,
      type: 'call' as const,
      timeout: 'PT10S',
      retries: 2,
      backoff: 'PT10S',
      onUnknown: 'fail' as const,
    };
    this.findings.change(
      at,
      'Cairn calls the target once per customer, with the payload and an idempotency key; Pinpoint sent batches of endpoints',
    );
    if (custom.EndpointTypes)
      this.findings.skip(
        `${at}.EndpointTypes`,
        'a call step is made once per customer, whatever their channels',
      );
    if (custom.TemplateName)
      this.findings.skip(`${at}.TemplateName`, 'a call step has no template; its payload is the Data');
    const next = this.nextOf(custom.NextActivity);
    if (LAMBDA_ARN.test(uri))
      return [{ ...common, lambda: { function: uri, ...(data ? { payload: { data } } : {}) }, ...next }];
    if (uri.startsWith('https://'))
      return [{ ...common, http: { url: uri, method: 'POST', ...(data ? { body: data } : {}) }, ...next }];
    return this.fail(
      `${at}.DeliveryUri`,
      `expected a Lambda function ARN or an https:// URL, found "${uri}"`,
    );
  }

  private holdout(id: string, holdout: NonNullable<Activity['Holdout']>, at: string): Step[] {
    const percent = holdout.Percentage;
    if (!(percent > 0 && percent < 100))
      return this.fail(`${at}.Percentage`, `expected a percentage above 0 and below 100, found ${percent}`);
    this.findings.change(
      at,
      'Pinpoint ended the journey for held-out customers; a Cairn holdout walks them through the remaining steps without ' +
        'sending anything, so that the goal is measured for them too (docs/journeys.md, holdout). Messages are withheld as before; ' +
        'call steps after it are still made for them',
    );
    return [{ id, type: 'holdout', percent, ...this.nextOf(holdout.NextActivity) }];
  }

  /** A wait step for a WaitTime, or undefined (the activity then fails, said in the findings). */
  waitStep(id: string, time: WaitTime | undefined, at: string): WaitStep | undefined {
    const wait = waitOf(id, time, at);
    if (wait.ok) return wait.step;
    this.fail(wait.path, wait.why);
    return undefined;
  }

  unfinishedCondition(): string | undefined {
    return this.context.unfinished?.condition();
  }

  conditionContext(window: string | undefined): ConditionContext {
    return {
      ...this.context,
      window,
      sendStepOf: (activityId) => {
        const a = this.activities[activityId];
        return a && (a.EMAIL || a.SMS || a.PUSH) ? this.stepOf.get(activityId) : undefined;
      },
    };
  }
}
