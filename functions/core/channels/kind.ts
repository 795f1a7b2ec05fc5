import * as z from 'zod';
import type { PiiDisplay } from '../diagnostics/mask.ts';
import type { PathSegment } from '../diagnostics/problem.ts';
import type { FeedbackResult } from '../feedback/outcome.ts';
import type { Category, Channel } from '../journeys/schema-parts.ts';
import type { ConsentMode } from '../policies/consent-mode.ts';
import type { Profile } from '../profile/profile.ts';

/** Liquid source. Empty parts are refused when the file is read, so a blank can only come from data. */
export const Liquid = z.lazy(() => z.string().min(1, 'must not be empty'));

/** Why a template did not render: templates/render.ts reports these, and a channel's `render` may too. */
export type RenderFailureReason =
  | 'template-not-found'
  | 'template-channel-missing'
  | 'template-invalid'
  | 'template-missing-variable'
  | 'template-render-error'
  | 'template-blank'
  | 'template-invalid-url'
  | 'sms-too-long';

/** What a channel's rendering may be limited by; `cairn render` and the deliver function set them. */
export type RenderLimits = {
  /** The most SMS segments one message may take; longer bodies fail with `sms-too-long`. */
  readonly maxSmsSegments: number;
};

/**
 * How a channel renders the Liquid parts of its template (templates/render.ts provides it). `part` names the
 * part in the channel's content (`subject`, `data.deepLink`): errors point at it, with the file's line and
 * column. A part that renders blank fails, so no method returns an empty text.
 */
export interface PartRenderer extends RenderLimits {
  /** A part of plain text, output as it is. */
  text(part: string, source: string): string;
  /** A part of HTML: every output is HTML-escaped. */
  html(part: string, source: string): string;
  /** A part that must render to a URL (trimmed); an absent part is absent. */
  url(part: string, source: string | undefined): string | undefined;
  /** Ends the rendering with this reason; the detail names the file and the part before `message`. */
  fail(reason: RenderFailureReason, part: string, message: string): never;
}

/**
 * A message in one line, as `npm start` prints it: to whom and what. Both can be personal data (an address; a
 * subject or a body that a template filled with a name), so each channel says how to mask its own.
 */
export type MessageSummary = { to: string; text: string };

/** A Liquid text of a channel's template part, for the static check (templates/check.ts). */
export type LiquidPart = {
  /** Where the text is in the channel's part of the file, e.g. `['subject']`, `['data', 'deepLink']`. */
  path: PathSegment[];
  liquid: string;
  /** Which Liquid engine renders it: `html` escapes every output. */
  engine: 'text' | 'html';
};

/** Why a profile cannot be reached on a channel; policies/outcome.ts has both among its reasons. */
export type NoRecipient = 'missing_address' | 'inactive_device';

/** Whom a message on the channel goes to for a profile, or why nobody. */
export type Reach<Recipient> = { ok: true; recipient: Recipient } | { ok: false; reason: NoRecipient };

/** What a channel's message may carry besides its recipient; computed only when the message is composed. */
export type ComposeLinks = {
  /** The signed unsubscribe link of this channel and the message's topic. */
  unsubscribeUrl: () => string;
};

/** One way a provider's feedback record arrives, and the parser that turns it into outcomes. */
export type FeedbackRecordKind = {
  readonly matches: (record: unknown) => boolean;
  readonly map: (record: unknown, receivedAt: number) => FeedbackResult;
};

/**
 * How what the provider says about a channel's messages comes back. The parsing is in the provider's parser
 * (functions/core/feedback/<provider>.ts); these are the parts of it that are data.
 */
export type ChannelFeedback = {
  /** The EventBridge sources of the provider's records; the feedback handler ignores other sources. */
  readonly eventSources: readonly string[];
  /**
   * The records the feedback handler receives for the channel, tried in order (feedback/parse.ts). None when the
   * provider answers in the response to the send instead (push: the adapter calls `mapPushResults`).
   */
  readonly records: readonly FeedbackRecordKind[];
  /**
   * Which provider record type or status becomes which customer event (docs/channels.md), as the parser
   * publishes them for journeys to wait or branch on.
   */
  readonly customerEvents: Readonly<Record<string, string>>;
  /**
   * What an opt-out the provider reports does (runtime/feedback.ts): `suppress-address` suppresses the address
   * for everyone who holds it (carriers apply STOP to the number), `consent-event` records the opt-out on the
   * profile of the customer the record names.
   */
  readonly optOut: 'suppress-address' | 'consent-event';
};

/**
 * One delivery channel, whole: where its messages go in a profile, what consent they need by default, how its
 * template part is written, checked, rendered and previewed, what its outbound message carries, and how the
 * provider's feedback comes back. functions/core/channels/index.ts assembles the channels in the table
 * everything else reads.
 *
 * `Parts` is the zod schema of the channel's part of a template file, `Content` what rendering gives,
 * `Recipient` whom it goes to and `Envelope` what the outbound message carries besides intent and content.
 */
export type ChannelDescriptor<C extends Channel, Parts extends z.ZodType, Content, Recipient, Envelope> = {
  readonly channel: C;
  /** What a customer receives on the channel, in words: `all ${inWords}` on the unsubscribe page. */
  readonly inWords: string;
  /** The profile's address on the channel that a suppression list could name; none for push. */
  readonly address: (profile: Profile) => string | undefined;
  /** Whom a message goes to: the address, or the active devices; else why the profile is out of reach. */
  readonly reach: (profile: Profile) => Reach<Recipient>;
  /** The consent a send needs per category when policies.yaml says nothing (docs/policies.md). */
  readonly consent: Readonly<Record<Category, ConsentMode>>;
  /** The schema of the channel's part of a template file (`email:`, `sms:`, ...). */
  readonly parts: Parts;
  /** Every Liquid text of the part, in the order of the file. */
  readonly liquidParts: (parts: z.output<Parts>) => LiquidPart[];
  /** Renders the part; a failure goes through `renderer.fail`. */
  readonly render: (parts: z.output<Parts>, renderer: PartRenderer) => Content;
  /** The rendered content as `cairn render` prints it, line by line. */
  readonly preview: (content: Content, limits: RenderLimits) => string[];
  /** What the outbound message carries besides intent and content (ports/channel.ts assembles it). */
  readonly envelope: (recipient: Recipient, links: ComposeLinks) => Envelope;
  /**
   * The message in one line for the console (the local stack's report, `--serve`): masked (core/diagnostics/
   * mask.ts) unless `pii` is `shown`.
   */
  readonly summary: (content: Content, envelope: Envelope, pii: PiiDisplay) => MessageSummary;
  readonly feedback: ChannelFeedback;
};
