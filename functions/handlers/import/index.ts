import { ImportBatch, type ImportBatchSummary, importBatch } from '../../core/import/profiles/batch.ts';
import type { EventPublisher } from '../../core/ports/event-publisher.ts';
import { count, type Observability, observability, withObservability } from '../shared/observability.ts';
import { wireImport } from './wiring.ts';

/**
 * A batch of rows from the import Distributed Map (infra/lib/profile-import.ts) into Profile Imported events on
 * the ingest queue. Bad rows are counted and returned with their row, line and field; only a queue that keeps
 * refusing, or a map that does not fit the file, fails the batch (the state machine retries it, and a rerun is
 * harmless: ingest drops events it has applied).
 */
export function importHandler(events: () => EventPublisher, obs: Observability = observability('import')) {
  return withObservability(async (input: unknown): Promise<ImportBatchSummary> => {
    const summary = await importBatch(ImportBatch.parse(input), events());
    count(obs.metrics, 'ImportedRows', summary.imported);
    count(obs.metrics, 'SkippedRows', summary.rows - summary.imported);
    if (summary.examples.length > 0) obs.logger.warn('rows skipped', { examples: summary.examples });
    return summary;
  }, obs);
}

let publisher: EventPublisher | undefined;
export const handler = importHandler(() => {
  publisher ??= wireImport();
  return publisher;
});
