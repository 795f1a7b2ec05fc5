import type { Journey, Step } from '../journeys/schema.ts';
import type { Campaign } from './schema.ts';

/** What a campaign sends: its message or treatments, its holdout and its priority. */
export type CampaignSends = Pick<Campaign, 'message' | 'treatments' | 'holdout' | 'priority'>;

/**
 * The steps a campaign runs: a holdout step when it has one, a split into its treatments when it has them, and
 * one send step per message. A campaign triggered by an event (an imported Pinpoint event campaign) runs the
 * same steps.
 */
export function campaignSteps(campaign: CampaignSends): Step[] {
  const steps: Step[] = [];
  const sends = campaign.treatments
    ? campaign.treatments.map((t) => ({ id: `send-${t.name}`, channel: t.channel, template: t.template }))
    : campaign.message
      ? [{ id: 'send', channel: campaign.message.channel, template: campaign.message.template }]
      : [];
  const firstAfterHoldout = campaign.treatments ? 'treatments' : (sends[0]?.id ?? 'send');
  if (campaign.holdout !== undefined)
    steps.push({ id: 'holdout', type: 'holdout', percent: campaign.holdout, next: firstAfterHoldout });
  if (campaign.treatments)
    steps.push({
      id: 'treatments',
      type: 'split',
      variants: campaign.treatments.map((t) => ({
        name: t.name,
        percent: t.percent,
        next: `send-${t.name}`,
      })),
    });
  for (const send of sends) steps.push({ ...send, type: 'send', priority: campaign.priority });
  return steps;
}

/**
 * A campaign as the journey it runs as: the schedule trigger over its audience, then its steps
 * (campaignSteps). Pure: the same file gives the same journey, so the same version.
 */
export function compileCampaign(campaign: Campaign): Journey {
  const { schedule } = campaign;
  const steps = campaignSteps(campaign);
  const { perDay, total, messagesPerSecond } = campaign.limits ?? {};
  return {
    id: campaign.id,
    name: campaign.name,
    description: campaign.description,
    category: campaign.category,
    status: campaign.status,
    trigger: {
      schedule: { ...schedule, ...(campaign.audience ? { segment: campaign.audience.segment } : {}) },
    },
    entry: { reentry: 'always' },
    ...(campaign.goal ? { goal: campaign.goal } : {}),
    ...(perDay !== undefined || total !== undefined
      ? { limits: { ...(perDay !== undefined ? { perDay } : {}), ...(total !== undefined ? { total } : {}) } }
      : {}),
    ...(messagesPerSecond !== undefined ? { sendRate: { perSecond: messagesPerSecond } } : {}),
    onCap: 'skip',
    steps,
  };
}
