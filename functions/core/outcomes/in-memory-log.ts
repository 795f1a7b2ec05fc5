import type { OutcomeLog } from '../ports/outcome-log.ts';
import type { OutcomeRecord } from './record.ts';

/** The outcome log in memory, for tests and for callers that read the records back in the same process. */
export class InMemoryOutcomeLog implements OutcomeLog {
  readonly records: OutcomeRecord[] = [];
  flushes = 0;

  append(records: readonly OutcomeRecord[]): void {
    this.records.push(...records);
  }

  async flush(): Promise<void> {
    this.flushes++;
  }
}
