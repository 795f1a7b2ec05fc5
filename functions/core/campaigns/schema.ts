import * as z from 'zod';
import { Goal, Journey } from '../journeys/schema.ts';
import { Channel, Priority, SegmentId } from '../journeys/schema-parts.ts';
import { ScheduleTrigger } from '../triggers/schedule.ts';

/**
 * A broadcast (campaign): one file in journeys/campaigns/. It compiles to a journey (campaigns/compile.ts), so
 * policies, caps, quiet hours, consent, goals, explain, results and versions apply unchanged. The JSON Schema
 * of these files (journeys/campaigns/schema.json) is generated from this one by `npm run schema`.
 */

export const CampaignMessage = z
  .strictObject({
    channel: z
      .union([Channel, z.array(Channel).min(1)])
      .describe('One channel, or channels in order of preference: the first reachable one is used.'),
    template: z.string().min(1).describe('A template id: a file in journeys/templates/.'),
  })
  .describe('What every member of the audience gets.');

export const Treatment = CampaignMessage.extend({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a treatment name of lower-case letters, digits and dashes')
    .describe('The name in reports (the variant).'),
  percent: z
    .number()
    .gt(0)
    .max(100)
    .describe('The share of the audience (outside the holdout) that gets it.'),
}).describe('One of the treatments of an A/B test.');

export const CampaignLimits = z
  .strictObject({
    perDay: z
      .int()
      .positive()
      .optional()
      .describe('Messages per customer from this campaign per rolling 24 hours.'),
    total: z
      .int()
      .positive()
      .optional()
      .describe('Messages per customer from this campaign, over all its runs.'),
    messagesPerSecond: z
      .int()
      .positive()
      .max(100_000)
      .optional()
      .describe('At most this many of its messages a second, across all instances (the send-rate limit).'),
  })
  .describe("Limits of the campaign's messages.");

export const CampaignSchedule = ScheduleTrigger.unwrap().describe(
  'When the campaign runs: once (at) or recurring (cron, or rate from start), in local time or a zone.',
);

// The fields a campaign shares with the journey it compiles to, as the journey language has them.
export const Campaign = Journey.unwrap()
  .pick({
    $schema: true,
    id: true,
    name: true,
    description: true,
    category: true,
    status: true,
  })
  .extend({
    audience: z
      .strictObject({ segment: SegmentId })
      .optional()
      .describe('The members of this segment when a run starts. Absent: every customer known.'),
    schedule: CampaignSchedule,
    message: CampaignMessage.optional(),
    treatments: z
      .array(Treatment)
      .min(2)
      .max(5)
      .optional()
      .describe('Two to five treatments whose percents add up to 100 (an A/B test).'),
    holdout: z
      .number()
      .gt(0)
      .lt(100)
      .optional()
      .describe('The percent of the audience held out: they get nothing, and are tracked for the goal.'),
    limits: CampaignLimits.optional(),
    priority: Priority.default('normal'),
    goal: Goal.optional(),
  })
  .superRefine((campaign, ctx) => {
    if ((campaign.message === undefined) === (campaign.treatments === undefined))
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of message or treatments' });
    const total = (campaign.treatments ?? []).reduce((sum, t) => sum + t.percent, 0);
    if (campaign.treatments && Math.abs(total - 100) > 1e-9)
      ctx.addIssue({
        code: 'custom',
        path: ['treatments'],
        message: `treatment percents add up to ${total}, expected 100`,
      });
    if (campaign.schedule.segment !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'segment'],
        message: 'a campaign names its segment in audience',
      });
    const names = (campaign.treatments ?? []).map((t) => t.name);
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: 'custom', path: ['treatments'], message: 'treatment names must differ' });
  })
  .describe('A Cairn campaign (a broadcast). Docs: docs/journeys.md, "Campaigns"');
export type Campaign = z.infer<typeof Campaign>;

/** The JSON Schema of campaign files, generated from the zod schema as the journeys' is. */
export function campaignJsonSchema(): string {
  const schema = z.toJSONSchema(Campaign, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'Cairn campaign' }, null, 2)}\n`;
}
