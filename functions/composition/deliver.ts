import { DynamoPolicyStore } from '../adapters/dynamodb/policy-store.ts';
import { DynamoSendRateCounters } from '../adapters/dynamodb/send-rate-counters.ts';
import type { DeliverPorts } from '../core/runtime/deliver.ts';
import { type DeliverAdapters, deliverPorts } from '../core/runtime/deliver-ports.ts';
import { type ApplyComposition, composeApplyPorts } from './apply.ts';
import { onTable } from './table.ts';

/** What deliver has besides what applying an input has: the channel, and how unsubscribe links are signed. */
export type DeliverComposition = ApplyComposition & Omit<DeliverAdapters, 'policyStore' | 'rates'>;

/**
 * The ports that take a send intent through the policies to the channel, with the send ledger in the table;
 * and, for a send that ends its enrollment, those that apply that to the customer.
 */
export function composeDeliverPorts(composition: DeliverComposition): DeliverPorts {
  const { table, setting, channel, unsubscribe, maxSmsSegments } = composition;
  return deliverPorts(
    composeApplyPorts(composition),
    {
      policyStore: new DynamoPolicyStore(onTable(table)),
      // Journeys' send-rate limits, one counter item per journey in the same table.
      rates: new DynamoSendRateCounters(onTable(table)),
      channel,
      unsubscribe,
      ...(maxSmsSegments === undefined ? {} : { maxSmsSegments }),
    },
    setting,
  );
}
