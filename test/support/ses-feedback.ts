/** An SES EmailTag as the SES v2 SendEmail input carries it. */
export type EmailTag = { Name?: string; Value?: string };

const RECORD_PARTS = {
  Delivery: (at: string) => ({ delivery: { timestamp: at, recipients: [] } }),
  Open: (at: string) => ({ open: { timestamp: at, ipAddress: '192.0.2.1', userAgent: 'Mail' } }),
  Click: (at: string) => ({
    click: { timestamp: at, link: 'https://shop.example.com/', ipAddress: '192.0.2.1' },
  }),
} as const;

const DETAIL_TYPES = {
  Delivery: 'Email Delivered',
  Open: 'Email Opened',
  Click: 'Email Link Clicked',
} as const;

/**
 * The event SES event publishing puts on EventBridge about a message it sent (as the providers' feedback rule
 * puts it on the feedback queue): the message's EmailTags come back as `mail.tags`, `{ name: [value] }`.
 */
export function sesEngagementEvent(
  type: keyof typeof RECORD_PARTS,
  sesMessageId: string,
  tags: readonly EmailTag[],
  at: number,
): Record<string, unknown> {
  const time = new Date(at).toISOString();
  return {
    version: '0',
    id: `ses-${sesMessageId}-${type}`,
    'detail-type': DETAIL_TYPES[type],
    source: 'aws.ses',
    account: '123456789012',
    time,
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventType: type,
      mail: {
        timestamp: time,
        messageId: sesMessageId,
        destination: [],
        tags: Object.fromEntries(tags.map((tag) => [tag.Name ?? '', [tag.Value ?? '']])),
      },
      ...RECORD_PARTS[type](time),
    },
  };
}
