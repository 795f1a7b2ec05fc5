import { enrollmentEnded } from '../engine/ended.ts';
import type { CountedSend, CustomerDelivery, CustomerState, SendIntent } from '../engine/state.ts';
import type { CustomerEvent } from '../events/index.ts';
import type { Channel } from '../journeys/schema.ts';
import { normalizeEmail, normalizePhone } from '../profile/addresses.ts';
import { capOutcome, capsFor } from './caps.ts';
import { type CapCheck, type CountResult, countSend } from './caps-window.ts';
import { addressesOf, type Suppressions, suppressionsFrom } from './channels.ts';
import type { SendOutcome } from './outcome.ts';
import { type OutcomeExtras, type ReachOptions, reachAndTiming } from './reach.ts';
import type { SuppressionReason } from './suppression-reason.ts';

/**
 * The delivery policies decided in the customer's state, for the runtime: the caps are counted in the state
 * (`delivery.counted`) and the customer's own suppressions are read from it (`delivery.suppressed`), so that
 * the state already read for the engine is all a decision needs, and counting is part of the state's one
 * conditional write (docs/data-model.md, "Request budget"). The simulator, the local stack and Lambda all
 * decide here.
 */

/** The verdict of stages 1 to 3: an outcome, or a send that was counted and may be claimed and sent. */
export type StateDecision =
  | { pass: false; outcome: SendOutcome }
  | { pass: true; channel: Channel; extras: OutcomeExtras };

/**
 * The customer's own suppressions and those of policies.yaml, which apply to everyone, with any read from
 * elsewhere (`also`: deliver's undecided path reads the addresses' own items, see deliver.ts).
 */
export function customerSuppressions(
  state: CustomerState,
  options: ReachOptions,
  also: Iterable<[string, SuppressionReason]> = [],
): Suppressions {
  return suppressionsFrom(options.policies, [...Object.entries(state.delivery?.suppressed ?? {}), ...also]);
}

/**
 * Stages 1 to 3 on the customer's state, after, for a `held` send coming back, the one check that its
 * enrollment is still live (one that ended early meanwhile is DROPPED as `enrollment_ended`): channel, local time, then the caps against the sends counted in the
 * state. When the send passes, the returned state has it counted (the same state when it was counted
 * before, e.g. by an earlier attempt of a retried message); when it does not, the state is returned as given.
 * Pure: the caller saves the state under the version it read, which is what makes concurrent counts safe.
 */
export function decideInState(
  intent: SendIntent,
  state: CustomerState,
  options: ReachOptions,
  now: number,
  alsoSuppressed: Iterable<[string, SuppressionReason]> = [],
  held = false,
): { state: CustomerState; decision: StateDecision } {
  // Only a send coming back from a hold: a send the same input just made may be followed, in that input, by
  // the step that ends its enrollment (send, then exit), and it goes out.
  if (held && enrollmentEnded(state, intent.enrollmentId))
    return { state, decision: { pass: false, outcome: { status: 'DROPPED', reason: 'enrollment_ended' } } };
  const suppressions = customerSuppressions(state, options, alsoSuppressed);
  const reach = reachAndTiming(intent, state.profile, suppressions, options, now);
  if (!reach.pass) return { state, decision: reach };
  const { channel, extras } = reach;
  const counted = countInState(state, intent.messageId, now, capsFor(intent, channel, options.policies));
  if (!counted.result.ok)
    return {
      state,
      decision: {
        pass: false,
        outcome: { ...capOutcome(intent, channel, counted.result.blocking), ...extras },
      },
    };
  return { state: counted.state, decision: { pass: true, channel, extras } };
}

/**
 * The caps check-and-count (countSend) on the sends counted in the state: the state with `messageId`
 * counted when every rule has room, or as given when one blocks or the message was counted before.
 */
export function countInState(
  state: CustomerState,
  messageId: string,
  at: number,
  rules: readonly CapCheck[],
): { state: CustomerState; result: CountResult } {
  const counted = countSend(state.delivery?.counted ?? [], messageId, at, rules);
  if (!counted.ok) return { state, result: counted };
  return { state: counted.changed ? withCounted(state, counted.sends) : state, result: { ok: true } };
}

/** Drops the counted sends that no longer matter to any cap, so a state written anyway does not carry them. */
export function pruneCounted(state: CustomerState, now: number): CustomerState {
  const counted = state.delivery?.counted;
  if (!counted?.some((s) => s.x <= now)) return state;
  return withCounted(
    state,
    counted.filter((s) => s.x > now),
  );
}

/** The state with `address` suppressed for `reason`; the very same state when it already was. */
export function withSuppression(
  state: CustomerState,
  address: string,
  reason: SuppressionReason,
): CustomerState {
  if (state.delivery?.suppressed?.[address] === reason) return state;
  return withDelivery(state, {
    ...state.delivery,
    suppressed: { ...state.delivery?.suppressed, [address]: reason },
  });
}

function withCounted(state: CustomerState, counted: readonly CountedSend[]): CustomerState {
  // Whatever else `delivery` holds is kept as it is, counted last, as withSuppression keeps the counted sends.
  const { counted: _dropped, ...others } = state.delivery ?? {};
  return withDelivery(state, counted.length > 0 ? { ...others, counted: [...counted] } : others);
}

/**
 * An empty `delivery` is left out (undefined, which JSON leaves out): every byte of the state is written on
 * every save. The state's other fields keep their order, so that the states a transition returns have the
 * engine's one shape (engine/draft.ts): a state made by taking `delivery` out and putting it back last was
 * a second shape, half the customers' after a send, and every read of the next input saw both.
 */
function withDelivery(state: CustomerState, delivery: CustomerDelivery): CustomerState {
  return { ...state, delivery: isEmpty(delivery) ? undefined : delivery };
}

function isEmpty(delivery: CustomerDelivery): boolean {
  for (const key in delivery) if (Object.hasOwn(delivery, key)) return false;
  return true;
}

/** The addresses an event's traits set on the profile, normalised as the profile keeps them. */
export function enteringAddresses(event: CustomerEvent): string[] {
  const traits = event.detail.traits;
  const email = traits?.email === undefined ? undefined : normalizeEmail(traits.email);
  const phone = traits?.phone === undefined ? undefined : normalizePhone(traits.phone);
  return [email, phone].filter((a): a is string => a !== undefined);
}

/** The state with those of `found` that name an address the profile holds copied into its suppressions. */
export function adoptSuppressions(
  state: CustomerState,
  found: readonly [string, SuppressionReason][],
): CustomerState {
  // Nearly every input brings no suppressed address: the profile's addresses are not listed for nothing.
  if (found.length === 0) return state;
  const held = addressesOf(state.profile);
  return found.reduce(
    (s, [address, reason]) => (held.includes(address) ? withSuppression(s, address, reason) : s),
    state,
  );
}
