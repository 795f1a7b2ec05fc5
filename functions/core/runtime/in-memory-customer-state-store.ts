import { deepFreeze, frozenJson, NOT_PLAIN } from '../collections/frozen-json.ts';
import { CustomerState, stateFromTrustedText } from '../engine/state.ts';
import { addressesOf } from '../policies/channels.ts';
import type { SuppressionReason } from '../policies/suppression-reason.ts';
import type { AddressHolders } from '../ports/address-holders.ts';
import {
  type CustomerStateStore,
  type SaveResult,
  type StoredCustomerState,
  tooLargeToSave,
} from '../ports/customer-state-store.ts';
import type { StateWithSuppressions } from '../ports/state-with-suppressions.ts';
import type { TextRecords } from '../ports/text-records.ts';

/**
 * The customer state store in memory, for tests and in-process runs. States are kept as JSON text and parsed
 * on load, as the DynamoDB store does, so neither side can change the other's copy and anything that would
 * not survive serialisation shows up here too.
 */
export type InMemoryCustomerStateStoreOptions = {
  /** Where address-level suppressions are kept (an InMemoryPolicyStore's `suppressed`), as the table does. */
  suppressionsOf?: (addresses: readonly string[]) => Promise<[string, SuppressionReason][]>;
  /**
   * How a saved state is kept between inputs:
   * - 'checked' (the default): JSON text, validated with the schema on each load, so that anything that would
   *   not survive serialisation or breaks the schema shows up in tests as it would on DynamoDB.
   * - 'text': JSON text parsed on load without validating it again: the simulator's choice. The text is this
   *   store's own serialisation of a state the use cases made, and one-byte JSON text takes about 40% of the
   *   memory the state's objects do (docs/benchmarks.md, "A 1,000,000-event simulation"), which bounds a
   *   simulation of many customers. The states of the customers used last are also kept as objects, as many
   *   as `hotChars` characters of their text stand for, deeply frozen, and handed out as they are: a
   *   customer's event, its sends and its timers load the state again and again within moments, and parsing its text each time was most of what the store cost. What is
   *   kept is what its text reads back as (collections/frozen-json.ts, frozenJson: the saved state itself but
   *   for the parts JSON changes); the freeze makes any caller that changed a state it was given fail at once
   *   (the engine is pure). The parity
   *   test holds the simulator to the local stack, whose DynamoDB store validates.
   */
  keep?: 'checked' | 'text';
  /**
   * Where the states' JSON text is kept: a Map in the heap by default; `cairn simulate` passes a spill file,
   * so that a share's heap holds each customer's version and addresses but not its state.
   */
  texts?: TextRecords;
  /** 'text' only: how many characters of state text the states kept as objects may stand for (HOT_STATE_CHARS). */
  hotChars?: number;
};

/**
 * How much state text the 'text' keeping also holds as objects, the customers used last: a bound by size, as the
 * states' size is what a share's memory is bounded by. 512 states, whatever their size, until sim10: about a
 * third of the loads of the bench's first 50,000 events then parsed a state's text again (23,333 of 69,342),
 * and holding every state as objects took 0.91 and 0.93 of the CPU. 8 Mi characters (about 4,800 states of the
 * bench's 200,000 events, 2.3 KB each) cost 35 MiB of peak RSS on one worker and 51 MiB on two there, too near
 * the 1,000,000-event run's 600 MB bound; 4 Mi took 0.95 of main's CPU there (docs/benchmarks.md, "sim10").
 */
export const HOT_STATE_CHARS = 4 * 1024 * 1024;

/** A hot state, and the length of its text, which the hot states' budget counts. */
type Hot = { state: CustomerState; chars: number };

export class InMemoryCustomerStateStore implements CustomerStateStore, AddressHolders, StateWithSuppressions {
  /** Each customer's version and addresses; the state's text is in `texts`, under the same key. */
  private readonly records = new Map<string, { version: number; addresses: string[] }>();
  private readonly texts: TextRecords;
  /** 'text' only: the states of the customers used last, frozen, the least recently used first. */
  private readonly hot = new Map<string, Hot>();
  /** The characters of text the hot states stand for, against `hotChars`. */
  private hotChars = 0;

  constructor(private readonly options: InMemoryCustomerStateStoreOptions = {}) {
    this.texts = options.texts ?? new Map();
  }

  async load(userId: string): Promise<StoredCustomerState | undefined> {
    const record = this.records.get(userId);
    return record ? { state: this.read(userId), version: record.version } : undefined;
  }

  /** The stored state, read at once (for reports on a run in this process). */
  peek(userId: string): CustomerState | undefined {
    return this.records.has(userId) ? this.read(userId) : undefined;
  }

  /** Every stored state, a page at a time, as a Scan of the table reads them (ports/customer-scan.ts). */
  async *pages(pageSize = 1_000): AsyncGenerator<readonly CustomerState[]> {
    let page: CustomerState[] = [];
    for (const [userId, json] of this.texts.entries()) {
      // A hot state is what its text reads back as (see `keep`), made already; a scan leaves the order as it is.
      page.push(this.hot.get(userId)?.state ?? this.parse(json));
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async loadWithSuppressions(
    userId: string,
    addresses: readonly string[],
  ): Promise<{ stored: StoredCustomerState | undefined; suppressed: [string, SuppressionReason][] }> {
    const [stored, suppressed] = await Promise.all([
      this.load(userId),
      this.options.suppressionsOf?.(addresses) ?? [],
    ]);
    return { stored, suppressed };
  }

  // No await inside: on one event loop the check and the write run without interleaving.
  async save(
    state: CustomerState,
    expectedVersion: number | undefined,
    maxBytes?: number,
  ): Promise<SaveResult> {
    const record = this.records.get(state.userId);
    const current = record?.version;
    if (current !== expectedVersion) return { ok: false, reason: 'conflict' };
    const version = (current ?? 0) + 1;
    const text = JSON.stringify(state);
    const tooLarge = tooLargeToSave(text, maxBytes);
    if (tooLarge) return tooLarge;
    this.texts.set(state.userId, text);
    // A state made from the hot one shares its profile when no input changed it (copy-on-write): that frozen
    // profile is the one the record's addresses were found in, so they stand (most saves; 0.7% of the CPU).
    const addresses =
      record !== undefined && this.hot.get(state.userId)?.state.profile === state.profile
        ? record.addresses
        : addressesOf(state.profile);
    this.records.set(state.userId, { version, addresses });
    // The state as its text reads back, frozen: itself, but for the objects holding what JSON changes.
    if (this.options.keep === 'text') {
      const kept = frozenJson(state);
      this.remember(state.userId, kept === NOT_PLAIN ? deepFreeze(trustedState(text)) : kept, text.length);
    }
    return { ok: true, version };
  }

  private read(userId: string): CustomerState {
    const hot = this.hot.get(userId);
    if (hot) {
      this.remember(userId, hot.state, hot.chars);
      return hot.state;
    }
    const json = this.texts.get(userId);
    if (json === undefined) throw new Error(`the state of ${userId} is missing from its text records`);
    if (this.options.keep !== 'text') return this.parse(json);
    const state = deepFreeze(trustedState(json));
    this.remember(userId, state, json.length);
    return state;
  }

  /**
   * Keeps `state` (whose text is `chars` long) as the customer's hot one, used last; the customers used longest
   * ago leave while the hot states stand for more than `hotChars` characters (the one used last stays).
   */
  private remember(userId: string, state: CustomerState, chars: number): void {
    const before = this.hot.get(userId);
    if (before) {
      this.hot.delete(userId);
      this.hotChars -= before.chars;
    }
    this.hot.set(userId, before?.state === state ? before : { state, chars });
    this.hotChars += chars;
    const budget = this.options.hotChars ?? HOT_STATE_CHARS;
    for (const [oldest, { chars: leaving }] of this.hot) {
      if (this.hotChars <= budget || oldest === userId) break;
      this.hot.delete(oldest);
      this.hotChars -= leaving;
    }
  }

  private parse(json: string): CustomerState {
    return this.options.keep === 'text' ? trustedState(json) : CustomerState.parse(JSON.parse(json));
  }

  async holdersOf(address: string): Promise<string[]> {
    return [...this.records].flatMap(([userId, r]) => (r.addresses.includes(address) ? [userId] : []));
  }
}

/** A state as this store wrote it, parsed without validating it again (the `text` way of keeping). */
function trustedState(json: string): CustomerState {
  // JSON.stringify of a CustomerState, written by save above: its shape is the one it was saved with.
  return stateFromTrustedText(json);
}
