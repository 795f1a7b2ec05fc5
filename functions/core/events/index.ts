export {
  CustomerEvent,
  type CustomerEventInput,
  dedupeKey,
  describeValue,
  detailFields,
  type EventContext,
  type EventDetail,
  type EventParseResult,
  type EventProblem,
  formatEventProblem,
  type JsonValue,
  parseCustomerEvent,
  type Traits,
} from './customer-event.ts';
export { type NdjsonLine, parseNdjsonEvents } from './ndjson.ts';
