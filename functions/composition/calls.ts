import { DynamoCallLedger } from '../adapters/dynamodb/call-ledger.ts';
import { DynamoCallSlots } from '../adapters/dynamodb/call-slots.ts';
import type { CallPort } from '../core/ports/call-port.ts';
import type { CallPorts } from '../core/runtime/call.ts';
import { type ApplyComposition, composeApplyPorts } from './apply.ts';
import { onTable } from './table.ts';

/** What the calls function has besides what applying an input has: the adapter that makes calls. */
export type CallsComposition = ApplyComposition & { caller: CallPort };

/**
 * The ports that make a call step's call, with the calls ledger and the targets' slots in the table, and apply
 * its answer.
 */
export function composeCallPorts(composition: CallsComposition): CallPorts {
  return {
    apply: composeApplyPorts(composition),
    ledger: new DynamoCallLedger(onTable(composition.table)),
    caller: composition.caller,
    slots: new DynamoCallSlots(onTable(composition.table)),
    now: composition.setting.now,
  };
}
