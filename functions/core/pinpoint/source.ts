import * as z from 'zod';

/**
 * The Pinpoint objects that `cairn pinpoint export` writes and `cairn pinpoint import` reads, as the Pinpoint
 * API returns them (the shapes of @aws-sdk/client-pinpoint's JourneyResponse, SegmentResponse, the template
 * responses and ApplicationSettingsResource). Every object is strict: a key Pinpoint never had (a snippet
 * written from memory, a typo) is refused with its file and path instead of being guessed at.
 */

export const Tags = z.record(z.string(), z.string());

/** INCLUSIVE/EXCLUSIVE over values, as Pinpoint's SetDimension. */
export const SetDimension = z.strictObject({
  DimensionType: z.enum(['INCLUSIVE', 'EXCLUSIVE']).default('INCLUSIVE'),
  Values: z.array(z.string()),
});
export type SetDimension = z.infer<typeof SetDimension>;

export const AttributeDimension = z.strictObject({
  AttributeType: z
    .enum(['INCLUSIVE', 'EXCLUSIVE', 'CONTAINS', 'BEFORE', 'AFTER', 'BETWEEN', 'ON'])
    .default('INCLUSIVE'),
  Values: z.array(z.string()),
});
export type AttributeDimension = z.infer<typeof AttributeDimension>;

export const MetricDimension = z.strictObject({
  ComparisonOperator: z.enum([
    'GREATER_THAN',
    'LESS_THAN',
    'GREATER_THAN_OR_EQUAL',
    'LESS_THAN_OR_EQUAL',
    'EQUAL',
  ]),
  Value: z.number(),
});
export type MetricDimension = z.infer<typeof MetricDimension>;

export const SegmentDimensions = z.strictObject({
  Attributes: z.record(z.string(), AttributeDimension).optional(),
  Behavior: z
    .strictObject({
      Recency: z
        .strictObject({
          Duration: z.enum(['HR_24', 'DAY_7', 'DAY_14', 'DAY_30']),
          RecencyType: z.enum(['ACTIVE', 'INACTIVE']),
        })
        .optional(),
    })
    .optional(),
  Demographic: z
    .strictObject({
      AppVersion: SetDimension.optional(),
      Channel: SetDimension.optional(),
      DeviceType: SetDimension.optional(),
      Make: SetDimension.optional(),
      Model: SetDimension.optional(),
      Platform: SetDimension.optional(),
    })
    .optional(),
  Location: z
    .strictObject({
      Country: SetDimension.optional(),
      GPSPoint: z
        .strictObject({
          Coordinates: z.strictObject({ Latitude: z.number(), Longitude: z.number() }),
          RangeInKilometers: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  Metrics: z.record(z.string(), MetricDimension).optional(),
  UserAttributes: z.record(z.string(), AttributeDimension).optional(),
});
export type SegmentDimensions = z.infer<typeof SegmentDimensions>;

export const EventDimensions = z.strictObject({
  Attributes: z.record(z.string(), AttributeDimension).optional(),
  EventType: SetDimension.optional(),
  Metrics: z.record(z.string(), MetricDimension).optional(),
});
export type EventDimensions = z.infer<typeof EventDimensions>;

export const SimpleCondition = z.strictObject({
  EventCondition: z
    .strictObject({ Dimensions: EventDimensions.optional(), MessageActivity: z.string().optional() })
    .optional(),
  SegmentCondition: z.strictObject({ SegmentId: z.string() }).optional(),
  SegmentDimensions: SegmentDimensions.optional(),
});
export type SimpleCondition = z.infer<typeof SimpleCondition>;

export const WaitTime = z.strictObject({ WaitFor: z.string().optional(), WaitUntil: z.string().optional() });
export type WaitTime = z.infer<typeof WaitTime>;

const Next = z.string().optional();

/** The sender settings of an SMS (a journey's SMS activity, a campaign's SMSMessage). */
export const SmsConfig = z.strictObject({
  MessageType: z.enum(['TRANSACTIONAL', 'PROMOTIONAL']).optional(),
  OriginationNumber: z.string().optional(),
  SenderId: z.string().optional(),
  EntityId: z.string().optional(),
  TemplateId: z.string().optional(),
});
const TemplateRef = { TemplateName: z.string().optional(), TemplateVersion: z.string().optional() };

export const Activity = z.strictObject({
  Description: z.string().optional(),
  EMAIL: z
    .strictObject({
      MessageConfig: z.strictObject({ FromAddress: z.string().optional() }).optional(),
      NextActivity: Next,
      ...TemplateRef,
    })
    .optional(),
  SMS: z
    .strictObject({
      MessageConfig: SmsConfig.optional(),
      NextActivity: Next,
      ...TemplateRef,
    })
    .optional(),
  PUSH: z
    .strictObject({
      MessageConfig: z.strictObject({ TimeToLive: z.string().optional() }).optional(),
      NextActivity: Next,
      ...TemplateRef,
    })
    .optional(),
  CUSTOM: z
    .strictObject({
      DeliveryUri: z.string().optional(),
      EndpointTypes: z.array(z.string()).optional(),
      MessageConfig: z.strictObject({ Data: z.string().optional() }).optional(),
      NextActivity: Next,
      ...TemplateRef,
    })
    .optional(),
  Wait: z.strictObject({ NextActivity: Next, WaitTime: WaitTime.optional() }).optional(),
  ConditionalSplit: z
    .strictObject({
      Condition: z
        .strictObject({
          Conditions: z.array(SimpleCondition).optional(),
          Operator: z.enum(['ALL', 'ANY']).default('ALL'),
        })
        .optional(),
      EvaluationWaitTime: WaitTime.optional(),
      FalseActivity: Next,
      TrueActivity: Next,
    })
    .optional(),
  MultiCondition: z
    .strictObject({
      Branches: z
        .array(z.strictObject({ Condition: SimpleCondition.optional(), NextActivity: Next }))
        .optional(),
      DefaultActivity: Next,
      EvaluationWaitTime: WaitTime.optional(),
    })
    .optional(),
  RandomSplit: z
    .strictObject({
      Branches: z.array(z.strictObject({ NextActivity: Next, Percentage: z.number().optional() })).optional(),
    })
    .optional(),
  Holdout: z.strictObject({ NextActivity: Next, Percentage: z.number() }).optional(),
  ContactCenter: z.strictObject({ NextActivity: Next }).optional(),
});
export type Activity = z.infer<typeof Activity>;

export const QuietTime = z.strictObject({ Start: z.string().optional(), End: z.string().optional() });
export type QuietTime = z.infer<typeof QuietTime>;

const DayOfWeek = z.enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY']);
const OpenHoursOfChannel = z.partialRecord(
  DayOfWeek,
  z.array(z.strictObject({ StartTime: z.string().optional(), EndTime: z.string().optional() })),
);
export const OpenHours = z.strictObject({
  EMAIL: OpenHoursOfChannel.optional(),
  SMS: OpenHoursOfChannel.optional(),
  PUSH: OpenHoursOfChannel.optional(),
  VOICE: OpenHoursOfChannel.optional(),
  CUSTOM: OpenHoursOfChannel.optional(),
});
export type OpenHours = z.infer<typeof OpenHours>;

const ClosedDaysRules = z.array(
  z.strictObject({
    Name: z.string().optional(),
    StartDateTime: z.string().optional(),
    EndDateTime: z.string().optional(),
  }),
);
export const ClosedDays = z.strictObject({
  EMAIL: ClosedDaysRules.optional(),
  SMS: ClosedDaysRules.optional(),
  PUSH: ClosedDaysRules.optional(),
  VOICE: ClosedDaysRules.optional(),
  CUSTOM: ClosedDaysRules.optional(),
});
export type ClosedDays = z.infer<typeof ClosedDays>;

const TimeframeCap = z.strictObject({ Cap: z.number().optional(), Days: z.number().optional() });

export const PinpointJourney = z.strictObject({
  Activities: z.record(z.string(), Activity).optional(),
  ApplicationId: z.string(),
  CreationDate: z.string().optional(),
  Id: z.string(),
  LastModifiedDate: z.string().optional(),
  Limits: z
    .strictObject({
      DailyCap: z.number().optional(),
      EndpointReentryCap: z.number().optional(),
      MessagesPerSecond: z.number().optional(),
      EndpointReentryInterval: z.string().optional(),
      TimeframeCap: TimeframeCap.optional(),
      TotalCap: z.number().optional(),
    })
    .optional(),
  LocalTime: z.boolean().optional(),
  Name: z.string(),
  QuietTime: QuietTime.optional(),
  RefreshFrequency: z.string().optional(),
  Schedule: z
    .strictObject({
      EndTime: z.string().optional(),
      StartTime: z.string().optional(),
      Timezone: z.string().optional(),
    })
    .optional(),
  StartActivity: z.string().optional(),
  StartCondition: z
    .strictObject({
      Description: z.string().optional(),
      EventStartCondition: z
        .strictObject({
          EventFilter: z
            .strictObject({ Dimensions: EventDimensions, FilterType: z.enum(['SYSTEM', 'ENDPOINT']) })
            .optional(),
          SegmentId: z.string().optional(),
        })
        .optional(),
      SegmentStartCondition: z.strictObject({ SegmentId: z.string() }).optional(),
    })
    .optional(),
  State: z.enum(['DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED', 'CLOSED', 'PAUSED']).optional(),
  tags: Tags.optional(),
  WaitForQuietTime: z.boolean().optional(),
  RefreshOnSegmentUpdate: z.boolean().optional(),
  JourneyChannelSettings: z
    .strictObject({
      ConnectCampaignArn: z.string().optional(),
      ConnectCampaignExecutionRoleArn: z.string().optional(),
    })
    .optional(),
  SendingSchedule: z.boolean().optional(),
  OpenHours: OpenHours.optional(),
  ClosedDays: ClosedDays.optional(),
  TimezoneEstimationMethods: z.array(z.enum(['PHONE_NUMBER', 'POSTAL_CODE'])).optional(),
});
export type PinpointJourney = z.infer<typeof PinpointJourney>;

const SegmentGroup = z.strictObject({
  Dimensions: z.array(SegmentDimensions).optional(),
  SourceSegments: z.array(z.strictObject({ Id: z.string(), Version: z.number().optional() })).optional(),
  SourceType: z.enum(['ALL', 'ANY']).optional(),
  Type: z.enum(['ALL', 'ANY', 'NONE']).optional(),
});
export type SegmentGroup = z.infer<typeof SegmentGroup>;

export const PinpointSegment = z.strictObject({
  ApplicationId: z.string(),
  Arn: z.string().optional(),
  CreationDate: z.string().optional(),
  Dimensions: SegmentDimensions.optional(),
  Id: z.string(),
  ImportDefinition: z
    .strictObject({
      ChannelCounts: z.record(z.string(), z.number()).optional(),
      ExternalId: z.string().optional(),
      Format: z.enum(['CSV', 'JSON']).optional(),
      RoleArn: z.string().optional(),
      S3Url: z.string().optional(),
      Size: z.number().optional(),
    })
    .optional(),
  LastModifiedDate: z.string().optional(),
  Name: z.string().optional(),
  SegmentGroups: z
    .strictObject({
      Groups: z.array(SegmentGroup).optional(),
      Include: z.enum(['ALL', 'ANY', 'NONE']).default('ANY'),
    })
    .optional(),
  SegmentType: z.enum(['DIMENSIONAL', 'IMPORT']),
  tags: Tags.optional(),
  Version: z.number().optional(),
});
export type PinpointSegment = z.infer<typeof PinpointSegment>;

const TemplateCommon = {
  Arn: z.string().optional(),
  CreationDate: z.string().optional(),
  DefaultSubstitutions: z.string().optional(),
  LastModifiedDate: z.string().optional(),
  RecommenderId: z.string().optional(),
  tags: Tags.optional(),
  TemplateDescription: z.string().optional(),
  TemplateName: z.string(),
  Version: z.string().optional(),
};

export const EmailTemplate = z.strictObject({
  ...TemplateCommon,
  TemplateType: z.literal('EMAIL'),
  Subject: z.string().optional(),
  HtmlPart: z.string().optional(),
  TextPart: z.string().optional(),
  Headers: z.array(z.strictObject({ Name: z.string().optional(), Value: z.string().optional() })).optional(),
});
export const SmsTemplate = z.strictObject({
  ...TemplateCommon,
  TemplateType: z.literal('SMS'),
  Body: z.string().optional(),
});
const PushPlatform = z.strictObject({
  Action: z.enum(['OPEN_APP', 'DEEP_LINK', 'URL']).optional(),
  Body: z.string().optional(),
  ImageIconUrl: z.string().optional(),
  ImageUrl: z.string().optional(),
  MediaUrl: z.string().optional(),
  RawContent: z.string().optional(),
  SmallImageIconUrl: z.string().optional(),
  Sound: z.string().optional(),
  Title: z.string().optional(),
  Url: z.string().optional(),
});
export const PushTemplate = z.strictObject({
  ...TemplateCommon,
  TemplateType: z.literal('PUSH'),
  ADM: PushPlatform.optional(),
  APNS: PushPlatform.optional(),
  Baidu: PushPlatform.optional(),
  Default: PushPlatform.optional(),
  GCM: PushPlatform.optional(),
});
export const PinpointTemplate = z.discriminatedUnion('TemplateType', [
  EmailTemplate,
  SmsTemplate,
  PushTemplate,
]);
export type PinpointTemplate = z.infer<typeof PinpointTemplate>;
export type PushPlatformTemplate = z.infer<typeof PushPlatform>;

/**
 * CampaignLimits, of a campaign and the application's defaults for campaigns: Daily (at most 100),
 * MaximumDuration (seconds, at least 60), MessagesPerSecond (1 to 20,000), Total, Session.
 * https://www.rubydoc.info/gems/aws-sdk-pinpoint/1.83.0/Aws/Pinpoint/Types/CampaignLimits and
 * https://aws-amplify.github.io/aws-sdk-ios/docs/reference/AWSPinpoint/Classes/AWSPinpointTargetingCampaignLimits.html
 */
export const CampaignLimits = z.strictObject({
  Daily: z.number().optional(),
  MaximumDuration: z.number().optional(),
  MessagesPerSecond: z.number().optional(),
  Total: z.number().optional(),
  Session: z.number().optional(),
});
export type CampaignLimits = z.infer<typeof CampaignLimits>;

/** CampaignHook: the Lambda function that filtered a campaign's segment (FILTER) or delivered it (DELIVERY). */
export const CampaignHook = z.strictObject({
  LambdaFunctionName: z.string().optional(),
  Mode: z.enum(['DELIVERY', 'FILTER']).optional(),
  WebUrl: z.string().optional(),
});

export const ApplicationSettings = z.strictObject({
  ApplicationId: z.string(),
  CampaignHook: CampaignHook.optional(),
  LastModifiedDate: z.string().optional(),
  Limits: CampaignLimits.optional(),
  QuietTime: QuietTime.optional(),
  JourneyLimits: z
    .strictObject({
      DailyCap: z.number().optional(),
      TimeframeCap: TimeframeCap.optional(),
      TotalCap: z.number().optional(),
    })
    .optional(),
});
export type ApplicationSettings = z.infer<typeof ApplicationSettings>;
