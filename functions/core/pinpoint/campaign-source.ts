import * as z from 'zod';
import { CampaignHook, CampaignLimits, EventDimensions, QuietTime, SmsConfig, Tags } from './source.ts';

/**
 * A Pinpoint campaign as `cairn pinpoint export` writes it (`campaigns/<id>.json`, a CampaignResponse, and
 * `campaigns-versions/<id>/<n>.json`, one per version). Strict, as the journey and segment shapes of source.ts:
 * a key Pinpoint never had is refused with its file and path. The names and kinds are checked against the
 * API reference and @aws-sdk/client-pinpoint's model (CampaignResponse and the types below):
 * - CreateCampaign / WriteCampaignRequest, Schedule (Frequency, IsLocalTime, Timezone, QuietTime, EventFilter):
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-pinpoint-campaign-schedule.html
 *   https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/pinpoint/aws.sdk.kotlin.services.pinpoint.model/-schedule
 */

/** Schedule: StartTime (`IMMEDIATE` or ISO 8601), Timezone `UTC`, `UTC+01`... (the URLs above). */
export const CampaignSchedule = z.strictObject({
  EndTime: z.string().optional(),
  EventFilter: z
    .strictObject({ Dimensions: EventDimensions, FilterType: z.enum(['SYSTEM', 'ENDPOINT']) })
    .optional(),
  Frequency: z.enum(['ONCE', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'EVENT', 'IN_APP_EVENT']).optional(),
  IsLocalTime: z.boolean().optional(),
  QuietTime: QuietTime.optional(),
  StartTime: z.string(),
  Timezone: z.string().optional(),
});
export type CampaignSchedule = z.infer<typeof CampaignSchedule>;

const TemplateRef = z.strictObject({ Name: z.string().optional(), Version: z.string().optional() });

/** TemplateConfiguration: a template per channel, by name (and version). */
export const TemplateConfiguration = z.strictObject({
  EmailTemplate: TemplateRef.optional(),
  PushTemplate: TemplateRef.optional(),
  SMSTemplate: TemplateRef.optional(),
  VoiceTemplate: TemplateRef.optional(),
  InAppTemplate: TemplateRef.optional(),
});
export type TemplateConfiguration = z.infer<typeof TemplateConfiguration>;

/** Message: the push content of a campaign, per platform or Default. */
export const PushMessage = z.strictObject({
  Action: z.enum(['OPEN_APP', 'DEEP_LINK', 'URL']).optional(),
  Body: z.string().optional(),
  ImageIconUrl: z.string().optional(),
  ImageSmallIconUrl: z.string().optional(),
  ImageUrl: z.string().optional(),
  JsonBody: z.string().optional(),
  MediaUrl: z.string().optional(),
  RawContent: z.string().optional(),
  SilentPush: z.boolean().optional(),
  TimeToLive: z.number().optional(),
  Title: z.string().optional(),
  Url: z.string().optional(),
});
export type PushMessage = z.infer<typeof PushMessage>;

const Headers = z.array(z.strictObject({ Name: z.string().optional(), Value: z.string().optional() }));

/** MessageConfiguration: the inline content of a campaign or treatment, per channel. */
export const MessageConfiguration = z.strictObject({
  ADMMessage: PushMessage.optional(),
  APNSMessage: PushMessage.optional(),
  BaiduMessage: PushMessage.optional(),
  CustomMessage: z.strictObject({ Data: z.string().optional() }).optional(),
  DefaultMessage: PushMessage.optional(),
  EmailMessage: z
    .strictObject({
      Body: z.string().optional(),
      FromAddress: z.string().optional(),
      Headers: Headers.optional(),
      HtmlBody: z.string().optional(),
      Title: z.string().optional(),
    })
    .optional(),
  GCMMessage: PushMessage.optional(),
  SMSMessage: SmsConfig.extend({ Body: z.string().optional() }).optional(),
  // In-app messages have no Cairn channel: their content is reported unmapped, so only its keys are checked.
  InAppMessage: z
    .strictObject({
      Body: z.string().optional(),
      Content: z.array(z.record(z.string(), z.unknown())).optional(),
      CustomConfig: z.record(z.string(), z.string()).optional(),
      Layout: z.string().optional(),
    })
    .optional(),
});
export type MessageConfiguration = z.infer<typeof MessageConfiguration>;

const CampaignState = z.strictObject({
  CampaignStatus: z
    .enum(['SCHEDULED', 'EXECUTING', 'PENDING_NEXT_RUN', 'COMPLETED', 'PAUSED', 'DELETED', 'INVALID'])
    .optional(),
});

const EndpointType = z.enum([
  'ADM',
  'APNS',
  'APNS_SANDBOX',
  'APNS_VOIP',
  'APNS_VOIP_SANDBOX',
  'BAIDU',
  'CUSTOM',
  'EMAIL',
  'GCM',
  'IN_APP',
  'PUSH',
  'SMS',
  'VOICE',
]);

/** CustomDeliveryConfiguration: a Lambda function or an https URL that delivered the campaign itself. */
export const CustomDelivery = z.strictObject({
  DeliveryUri: z.string(),
  EndpointTypes: z.array(EndpointType).optional(),
});

/**
 * TreatmentResource: an A/B treatment with its share of the segment (SizePercent), its message and, rarely, a
 * schedule of its own. https://pub.dev/documentation/aws_pinpoint_api/latest/pinpoint-2016-12-01/TreatmentResource/sizePercent.html
 */
export const Treatment = z.strictObject({
  CustomDeliveryConfiguration: CustomDelivery.optional(),
  Id: z.string(),
  MessageConfiguration: MessageConfiguration.optional(),
  Schedule: CampaignSchedule.optional(),
  SizePercent: z.number(),
  State: CampaignState.optional(),
  TemplateConfiguration: TemplateConfiguration.optional(),
  TreatmentDescription: z.string().optional(),
  TreatmentName: z.string().optional(),
});
export type Treatment = z.infer<typeof Treatment>;

/** CampaignResponse, as GetCampaigns and GetCampaignVersions return each version. */
export const PinpointCampaign = z.strictObject({
  AdditionalTreatments: z.array(Treatment).optional(),
  ApplicationId: z.string(),
  Arn: z.string().optional(),
  CreationDate: z.string().optional(),
  CustomDeliveryConfiguration: CustomDelivery.optional(),
  DefaultState: CampaignState.optional(),
  Description: z.string().optional(),
  HoldoutPercent: z.number().optional(),
  Hook: CampaignHook.optional(),
  Id: z.string(),
  IsPaused: z.boolean().optional(),
  LastModifiedDate: z.string().optional(),
  Limits: CampaignLimits.optional(),
  MessageConfiguration: MessageConfiguration.optional(),
  Name: z.string().optional(),
  Schedule: CampaignSchedule.optional(),
  SegmentId: z.string(),
  SegmentVersion: z.number().optional(),
  State: CampaignState.optional(),
  tags: Tags.optional(),
  TemplateConfiguration: TemplateConfiguration.optional(),
  TreatmentDescription: z.string().optional(),
  TreatmentName: z.string().optional(),
  Version: z.number().optional(),
  Priority: z.number().optional(),
});
export type PinpointCampaign = z.infer<typeof PinpointCampaign>;
