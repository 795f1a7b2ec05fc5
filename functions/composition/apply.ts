import { DynamoCustomerStateStore } from '../adapters/dynamodb/customer-state-store.ts';
import { DynamoJourneyRegistry } from '../adapters/dynamodb/journey-registry.ts';
import { DynamoTimerStore, type DynamoTimerStoreOptions } from '../adapters/dynamodb/timer-store.ts';
import type { JourneyCatalog } from '../core/engine/catalog.ts';
import type { Observer } from '../core/ports/observer.ts';
import type { PortWrappers } from '../core/ports/port-wrappers.ts';
import type { TimerStore } from '../core/ports/timer-store.ts';
import type { ApplyPorts, EffectPorts } from '../core/runtime/ingest.ts';
import { JourneyCatalogRefresher } from '../core/runtime/journey-catalog.ts';
import { applyPorts, type RuntimeSetting } from '../core/runtime/use-case-ports.ts';
import { onTable, type TableAccess } from './table.ts';

/** Where the effects of an input leave the machine: the SQS queues on AWS, the local stack's queues here. */
export type EffectExits = Pick<EffectPorts, 'sends' | 'events' | 'deadLetters' | 'calls'>;

export type ApplyComposition = {
  table: TableAccess;
  exits: EffectExits;
  setting: RuntimeSetting;
  /** The timer store, when not the table's with its defaults (the local stack observes its own). */
  timers?: TimerStore;
  /** Told what each input did: the local stack's tally and outcome log, the per-journey counts and outcome log on AWS. */
  observer?: Observer;
  /** A decorator around the table's state store (the local stack's chaos harness, core/chaos/); none on AWS. */
  wrapStates?: PortWrappers['states'];
};

/** Timers in the table's due-time index (docs/data-model.md, "Timers"). */
export function tableTimerStore(
  table: TableAccess,
  options: Omit<DynamoTimerStoreOptions, 'client' | 'tableName'> = {},
): DynamoTimerStore {
  return new DynamoTimerStore({ ...onTable(table), ...options });
}

/**
 * The catalog of a function that runs the engine: its bundled journeys, and the versions and statuses of the
 * journey registry in the table, refreshed at most once a minute (core/runtime/journey-catalog.ts).
 */
export function tableCatalogRefresher(
  table: TableAccess,
  bundled: JourneyCatalog,
  clock: () => number,
): JourneyCatalogRefresher {
  return new JourneyCatalogRefresher({ bundled, registry: new DynamoJourneyRegistry(onTable(table)), clock });
}

/** The ports that apply an input to a customer on the table, its effects leaving by `exits`. */
export function composeApplyPorts(composition: ApplyComposition): ApplyPorts {
  const { table, exits, setting, timers, observer, wrapStates } = composition;
  const states = new DynamoCustomerStateStore(onTable(table));
  return applyPorts(
    {
      states: wrapStates ? wrapStates(states) : states,
      timers: timers ?? tableTimerStore(table, { clock: setting.now }),
      ...exits,
      ...(observer ? { observer } : {}),
    },
    setting,
  );
}
