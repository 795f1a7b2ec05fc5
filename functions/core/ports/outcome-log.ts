import type { OutcomeRecord } from '../outcomes/record.ts';

/**
 * Where outcome records go (core/outcomes/): NDJSON files under a folder locally (`cairn simulate --log`,
 * `npm start -- --log`), an Amazon Data Firehose stream on AWS. Writers buffer: `append` is on the use cases'
 * path and must neither wait nor throw; `flush` stores what is buffered and reports a failure.
 */
export interface OutcomeLog {
  append(records: readonly OutcomeRecord[]): void;
  flush(): Promise<void>;
}
