import { type EventPattern, Match } from 'aws-cdk-lib/aws-events';
import { CHANNELS } from '../../functions/core/channels/index.ts';
import { FEEDBACK_TAGS } from '../../functions/core/feedback/outcome.ts';
import type { Channel } from '../../functions/core/journeys/schema-parts.ts';
import type { EnvironmentConfig } from '../config.ts';
import type { CairnVariable } from './cairn-function.ts';

/** A channel's settings in an environment (infra/config.ts), when the environment configures the channel. */
export type ChannelSettings<C extends Channel> = NonNullable<EnvironmentConfig['channels'][C]>;

/** The ARN of a resource of `service` in the environment's account and Region. */
export type ArnIn = (service: string, resource: string) => string;

/** The EventBridge rule that brings a provider's feedback records to the feedback queue. */
export type FeedbackRule = { description: string; eventPattern: EventPattern };

/**
 * What deploying a channel takes: the variables that tell its adapter where to send
 * (functions/adapters/channels/index.ts reads them), the one send action the adapter calls, scoped to the
 * resources IAM checks for it (docs/channels.md, "IAM"), and the rule that brings its feedback back.
 */
export type ChannelDeployment<C extends Channel> = {
  readonly variables: (settings: ChannelSettings<C>) => Partial<Record<CairnVariable, string>>;
  readonly actions: readonly string[];
  readonly resources: (settings: ChannelSettings<C>, arn: ArnIn) => string[];
  /** None when the provider answers in the response to the send (push). */
  readonly feedbackRule?: (settings: ChannelSettings<C>, arn: ArnIn) => FeedbackRule;
};

/**
 * The infrastructure of each channel, by channel: `channelGrants` (grants.ts) and the feedback rules of the
 * stateless stack read it. Typed by the journey language's `Channel` enum, so a channel without its deployment
 * does not compile.
 */
export const CHANNEL_DEPLOYMENTS: { readonly [C in Channel]: ChannelDeployment<C> } = {
  email: {
    variables: (email) => ({
      CAIRN_EMAIL_FROM: email.from,
      CAIRN_SES_CONFIGURATION_SET: email.configurationSetName,
      ...(email.replyTo ? { CAIRN_EMAIL_REPLY_TO: email.replyTo } : {}),
    }),
    actions: ['ses:SendEmail'],
    // SES checks the sending identity and, when the request names one, the configuration set.
    resources: (email, arn) => [
      arn('ses', `identity/${email.identity}`),
      arn('ses', `configuration-set/${email.configurationSetName}`),
    ],
    // The configuration set the stateful stack creates publishes every sending event to the default bus.
    feedbackRule: (email, arn) => ({
      description: "SES sending events of Cairn's configuration set, to the feedback queue",
      eventPattern: {
        source: [...CHANNELS.email.feedback.eventSources],
        resources: [arn('ses', `configuration-set/${email.configurationSetName}`)],
      },
    }),
  },
  sms: {
    variables: (sms) => ({
      CAIRN_SMS_ORIGINATION_IDENTITY: sms.originationIdentityArn,
      CAIRN_SMS_CONFIGURATION_SET: sms.configurationSetName,
      ...(sms.maxSegments ? { CAIRN_MAX_SMS_SEGMENTS: String(sms.maxSegments) } : {}),
    }),
    actions: ['sms-voice:SendTextMessage'],
    resources: (sms, arn) => [
      sms.originationIdentityArn,
      arn('sms-voice', `configuration-set/${sms.configurationSetName}`),
    ],
    feedbackRule: () => ({
      description: 'End User Messaging SMS events of messages Cairn sent, to the feedback queue',
      eventPattern: {
        source: [...CHANNELS.sms.feedback.eventSources],
        detailType: ['Text Message Delivery Status Updated'],
        detail: { context: { [FEEDBACK_TAGS.messageId]: Match.exists() } },
      },
    }),
  },
  push: {
    variables: (push) => ({ CAIRN_PUSH_APPLICATION_ID: push.applicationId }),
    actions: ['mobiletargeting:SendMessages'],
    // The application, and its messages resource (the API path /v1/apps/{id}/messages): both name only it.
    resources: (push, arn) => [
      arn('mobiletargeting', `apps/${push.applicationId}`),
      arn('mobiletargeting', `apps/${push.applicationId}/messages`),
    ],
  },
};
