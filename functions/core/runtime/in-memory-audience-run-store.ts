import { AudienceRunRecord } from '../audience-runs/record.ts';
import type { AudienceRunStore } from '../ports/audience-run-store.ts';

/** The runs of scheduled journeys in memory, for the simulator and tests; kept as copies, as a table would. */
export class InMemoryAudienceRunStore implements AudienceRunStore {
  private readonly records = new Map<string, AudienceRunRecord>();

  async get(journeyId: string, run: string): Promise<AudienceRunRecord | undefined> {
    const record = this.records.get(`${journeyId}|${run}`);
    return record ? AudienceRunRecord.parse(structuredClone(record)) : undefined;
  }

  async put(record: AudienceRunRecord): Promise<void> {
    this.records.set(`${record.journeyId}|${record.run}`, structuredClone(record));
  }

  async list(journeyId?: string): Promise<AudienceRunRecord[]> {
    return [...this.records.values()]
      .filter((r) => journeyId === undefined || r.journeyId === journeyId)
      .sort((a, b) => a.dueAt - b.dueAt || a.journeyId.localeCompare(b.journeyId))
      .map((r) => structuredClone(r));
  }
}
