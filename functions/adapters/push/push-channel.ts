import {
  type Action,
  type AddressConfiguration,
  type ChannelType,
  type MessageResult,
  type PinpointClient,
  SendMessagesCommand,
  type SendMessagesCommandInput,
} from '@aws-sdk/client-pinpoint';
import { setField } from '../../core/collections/own-field.ts';
import type { SendIntent } from '../../core/engine/state.ts';
import type { CustomerEvent } from '../../core/events/index.ts';
import { FEEDBACK_TAGS, type MessageIds } from '../../core/feedback/outcome.ts';
import { mapPushResults } from '../../core/feedback/push.ts';
import type {
  ChannelAdapter,
  ChannelResult,
  DeviceChange,
  ProviderNews,
  PushMessage,
} from '../../core/ports/channel.ts';
import type { PushPlatform } from '../../core/profile/profile.ts';
import { type Attempt, callProvider, DEFAULT_RETRY, type RetryOptions, retrying } from '../channels/retry.ts';

export type PinpointPushChannelOptions = {
  /** Create it with `maxAttempts: 1` (channels/index.ts): the adapter retries, and decides what to retry. */
  client: PinpointClient;
  /** The Pinpoint application whose APNs and FCM channels hold the credentials (CAIRN_PUSH_APPLICATION_ID). */
  applicationId: string;
  retry?: RetryOptions;
  /** Stamps the delivery events (`Push Delivered`, `Push Failed`); the wall clock by default. */
  now?: () => number;
};

/**
 * How long APNs and FCM keep trying a device that is off. A marketing push is about today (a cart, an offer
 * "today only"): a day late it is noise, so it expires after a day. A transactional one (an order shipped)
 * stays useful longer: three days, the default lifetime of an SMS in End User Messaging. Without a value FCM
 * keeps a message 28 days.
 */
export const MARKETING_TTL_SECONDS = 86_400;
export const TRANSACTIONAL_TTL_SECONDS = 259_200;

const CHANNEL_TYPE: Record<PushPlatform, ChannelType> = {
  APNS: 'APNS',
  APNS_SANDBOX: 'APNS_SANDBOX',
  // Pinpoint still names its FCM channel GCM.
  FCM: 'GCM',
};

/** Pinpoint took the address but the push service did not, for now: worth another call for that address. */
const RETRIED_STATUSES = new Set(['THROTTLED', 'TEMPORARY_FAILURE']);
/** The push service will refuse this token again. */
const PERMANENT_STATUSES = new Set(['PERMANENT_FAILURE', 'OPT_OUT', 'DUPLICATE']);
/**
 * What APNs (410, `BadDeviceToken`, `Unregistered`, `DeviceTokenNotForTopic`) and FCM (`UNREGISTERED`,
 * `NotRegistered`, `InvalidRegistration`) say of a token that will never work again, in the status Pinpoint
 * passes on. A token that says so is deactivated whatever Pinpoint's delivery status.
 */
const INVALID_TOKEN_MESSAGE =
  /BadDeviceToken|Unregistered|DeviceTokenNotForTopic|NotRegistered|InvalidRegistration/i;
const GONE = 410;

/**
 * Push through Pinpoint `SendMessages`, addressed by device token (Pinpoint endpoints retired with its
 * engagement features): one request for every active device of the customer. The answer comes per token, so
 * a token the service throttled is sent again alone, tokens it renamed or refused for good come back as
 * device changes, and the message counts as sent when at least one device took it.
 */
export class PinpointPushChannel implements ChannelAdapter<PushMessage> {
  constructor(private readonly options: PinpointPushChannelOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async send(message: PushMessage): Promise<ChannelResult> {
    const devices = new Map(message.devices.map((device) => [device.token, device.platform]));
    if (devices.size === 0)
      return { ok: false, permanent: true, reason: 'no-address: no active push device' };
    const tokens = [...devices.keys()];
    const results = new Map<string, MessageResult>();
    let pending = tokens;
    let requestId: string | undefined;
    const summary = (failure?: Failure) =>
      summarize(message.intent, tokens, results, pending, requestId, failure, this.now());

    const attempt = async (): Promise<Attempt> => {
      let answered = false;
      const outcome = await callProvider(
        () => this.options.client.send(new SendMessagesCommand(this.inputFor(message, pending))),
        (output): Attempt => {
          answered = true;
          requestId ??= output.MessageResponse?.RequestId;
          const perToken = output.MessageResponse?.Result ?? {};
          for (const token of pending) {
            const result = perToken[token];
            if (result) results.set(token, result);
            else results.delete(token);
          }
          pending = pending.filter((token) => RETRIED_STATUSES.has(results.get(token)?.DeliveryStatus ?? ''));
          return pending.length === 0
            ? { kind: 'done', result: summary() }
            : { kind: 'retry', reason: `${pending.length} device(s) throttled or failed for now` };
        },
      );
      // The request itself failed after earlier calls had answered for some devices: those answers stand.
      if (!answered && outcome.kind === 'done' && !outcome.result.ok && results.size > 0)
        return { kind: 'done', result: summary(outcome.result) };
      return outcome;
    };

    return retrying(attempt, this.options.retry ?? DEFAULT_RETRY, (reason, attempts) =>
      summary({
        ok: false,
        permanent: false,
        reason: `retries-exhausted after ${attempts} attempts: ${reason}`,
      }),
    );
  }

  inputFor(message: PushMessage, tokens: readonly string[]): SendMessagesCommandInput {
    const { intent, content } = message;
    const ids = idsOf(intent);
    const urgent = intent.category === 'transactional' || intent.priority === 'high';
    const url = content.url === undefined ? {} : { Url: content.url };
    const common = {
      Title: content.title,
      Body: content.body,
      Action: actionFor(content.url),
      ...url,
      // The app reads the template's data and Cairn's ids here (to report an open against the message).
      Data: { ...content.data, ...ids },
      TimeToLive: intent.category === 'transactional' ? TRANSACTIONAL_TTL_SECONDS : MARKETING_TTL_SECONDS,
    };
    const addresses: Record<string, AddressConfiguration> = {};
    for (const device of message.devices)
      if (tokens.includes(device.token))
        setField(addresses, device.token, { ChannelType: CHANNEL_TYPE[device.platform] });
    return {
      ApplicationId: this.options.applicationId,
      MessageRequest: {
        Addresses: addresses,
        // Pinpoint adds the context to the push payload (`data.pinpoint`) on both platforms.
        Context: ids,
        MessageConfiguration: {
          // High priority wakes the device at once; both platforms ask to keep it for what is time-sensitive,
          // and a marketing push can wait for the moment the device picks (APNs 5, FCM normal).
          APNSMessage: {
            ...common,
            ...(content.imageUrl === undefined ? {} : { MediaUrl: content.imageUrl }),
            Priority: urgent ? '10' : '5',
          },
          GCMMessage: {
            ...common,
            ...(content.imageUrl === undefined ? {} : { ImageUrl: content.imageUrl }),
            Priority: urgent ? 'high' : 'normal',
          },
        },
      },
    };
  }
}

/** An http(s) link opens the browser; any other scheme (`exampleshop://cart/42`) is the app's deep link. */
function actionFor(url: string | undefined): Action {
  if (url === undefined) return 'OPEN_APP';
  return /^https?:\/\//i.test(url) ? 'URL' : 'DEEP_LINK';
}

/** A failure of the request as a whole (an error, or retries run out), as opposed to a device's status. */
type Failure = { ok: false; permanent: boolean; reason: string };

function idsOf(intent: SendIntent): Record<string, string> {
  return {
    [FEEDBACK_TAGS.userId]: intent.userId,
    [FEEDBACK_TAGS.journeyId]: intent.journeyId,
    [FEEDBACK_TAGS.stepId]: intent.stepId,
    [FEEDBACK_TAGS.messageId]: intent.messageId,
  };
}

/**
 * The message's answer from every device's last result: sent when one device took it (the first such
 * device's message id), else refused, permanently only when every device refused for good. `pending` devices
 * never got a final status; `failure` says why.
 */
function summarize(
  intent: SendIntent,
  tokens: readonly string[],
  results: ReadonlyMap<string, MessageResult>,
  pending: readonly string[],
  requestId: string | undefined,
  failure: Failure | undefined,
  at: number,
): ChannelResult {
  const changes = newsOf(intent, results, at);
  const delivered = tokens.map((token) => results.get(token)).find((r) => r?.DeliveryStatus === 'SUCCESSFUL');
  if (delivered)
    return { ok: true, providerMessageId: delivered.MessageId ?? requestId ?? intent.messageId, ...changes };
  const settled = tokens.filter((token) => !pending.includes(token));
  const refusedForGood = (token: string) => {
    const result = results.get(token);
    return (
      result !== undefined && (PERMANENT_STATUSES.has(result.DeliveryStatus ?? '') || tokenIsInvalid(result))
    );
  };
  // Pinpoint's UNKNOWN_FAILURE, unless the platform's code says the token is dead, leaves open whether the
  // device got it: the port's answer to that is to throw, so the claim stays open and the send is reported
  // UNKNOWN rather than resent (a released claim would let a redrive send it twice). Device changes of the
  // other devices are lost with it; they come back with the next message to them.
  const unknown = settled.filter(
    (token) => results.get(token)?.DeliveryStatus === 'UNKNOWN_FAILURE' && !refusedForGood(token),
  );
  if (unknown.length > 0)
    throw new Error(
      `push outcome unknown: Pinpoint answered UNKNOWN_FAILURE for ${unknown.length} device(s), none took it`,
    );
  const permanent = settled.every(refusedForGood) && (pending.length === 0 || failure?.permanent === true);
  const statuses = tokens
    .map((token, i) => `device ${i + 1}: ${describeResult(results.get(token))}`)
    .join('; ');
  const reason = !failure
    ? `push-failed: no device took it (${statuses})`
    : results.size === 0
      ? failure.reason
      : `${failure.reason} (${statuses})`;
  return { ok: false, permanent, reason, ...changes };
}

/**
 * From each device's result (mapPushResults): `UpdatedToken` renames a device, a permanent failure or an
 * invalid token deactivates it, and each final status is a `Push Delivered` or `Push Failed` customer event.
 */
function newsOf(intent: SendIntent, results: ReadonlyMap<string, MessageResult>, at: number): ProviderNews {
  const ids: MessageIds = {
    userId: intent.userId,
    journeyId: intent.journeyId,
    stepId: intent.stepId,
    messageId: intent.messageId,
  };
  // mapPushResults wants a status on every result, as Pinpoint always sends one (the SDK's type allows none).
  const withStatus = [...results].filter(([, result]) => result.DeliveryStatus !== undefined);
  const response = { MessageResponse: { Result: Object.fromEntries(withStatus) } };
  const { outcomes } = mapPushResults(response, ids, at);
  const changes: DeviceChange[] = [];
  const events: CustomerEvent[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'customer-event') events.push({ version: '0', resources: [], ...outcome.event });
    if (outcome.kind === 'token-updated')
      changes.push({ kind: 'updated', token: outcome.token, updatedToken: outcome.updatedToken });
    if (outcome.kind === 'token-deactivated')
      changes.push({ kind: 'deactivated', token: outcome.token, reason: outcome.reason });
  }
  for (const [token, result] of results) {
    const known = changes.some((change) => change.kind === 'deactivated' && change.token === token);
    if (!known && tokenIsInvalid(result))
      changes.push({ kind: 'deactivated', token, reason: describeResult(result) });
  }
  return {
    ...(changes.length > 0 ? { deviceChanges: changes } : {}),
    ...(events.length > 0 ? { events } : {}),
  };
}

function tokenIsInvalid(result: MessageResult): boolean {
  return result.StatusCode === GONE || INVALID_TOKEN_MESSAGE.test(result.StatusMessage ?? '');
}

function describeResult(result: MessageResult | undefined): string {
  if (!result) return 'no result';
  const code = result.StatusCode === undefined ? '' : ` ${result.StatusCode}`;
  const text = result.StatusMessage ? ` ${result.StatusMessage}` : '';
  return `${result.DeliveryStatus ?? 'UNKNOWN'}${code}${text}`;
}
