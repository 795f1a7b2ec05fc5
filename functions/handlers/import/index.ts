import { ImportBatch, type ImportBatchSummary, importBatch } from '../../core/import/profiles/batch.ts';
import type { EventPublisher } from '../../core/ports/event-publisher.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { once } from '../shared/once.ts';

/**
 * A batch of rows from the import Distributed Map (infra/lib/profile-import.ts) into Profile Imported events on
 * the ingest queue. Bad rows are counted and returned with their row, line and field; only a queue that keeps
 * refusing, or a map that does not fit the file, fails the batch (the state machine retries it, and a rerun is
 * harmless: ingest drops events it has applied).
 */
export function importHandler(
  events: () => EventPublisher | Promise<EventPublisher>,
  obs: Observability = observability('import'),
) {
  return withObservability(async (input: unknown): Promise<ImportBatchSummary> => {
    const summary = await importBatch(ImportBatch.parse(input), await events());
    count(obs.metrics, 'ImportedRows', summary.imported);
    count(obs.metrics, 'SkippedRows', summary.rows - summary.imported);
    if (summary.examples.length > 0) obs.logger.warn('rows skipped', { examples: summary.examples });
    return summary;
  }, obs);
}

/** The SQS client and its code are loaded on the first batch, not at the cold start's import. */
export const handler = importHandler(once(async () => (await import('./wiring.ts')).wireImport()));
