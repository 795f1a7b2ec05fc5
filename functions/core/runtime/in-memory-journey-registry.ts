import { Journey } from '../journeys/schema.ts';
import { StatusAuditRecord, StatusOverride } from '../journeys/status-overrides.ts';
import {
  DeployedJourney,
  type JourneyRegistry,
  type RegistryContents,
  type StoredJourneyVersion,
} from '../ports/journey-registry.ts';

const versionKey = (journeyId: string, version: string) => JSON.stringify([journeyId, version]);
const auditKey = (journeyId: string, seq: number) => JSON.stringify([journeyId, seq]);

/** As the port says, a version is kept without its status (not part of a version): it reads as `draft`. */
function copyVersion(stored: StoredJourneyVersion): StoredJourneyVersion {
  const { status: _status, ...content } = stored.journey;
  return { ...stored, journey: Journey.parse(structuredClone(content)) };
}

/**
 * The registry in memory, for tests and in-process runs. Everything is copied in and out, so that a caller
 * changing its object never changes the stored one.
 */
export class InMemoryJourneyRegistry implements JourneyRegistry {
  private readonly versions = new Map<string, StoredJourneyVersion>();
  private readonly overrides = new Map<string, StatusOverride>();
  private readonly deployed = new Map<string, DeployedJourney>();
  private readonly audit = new Map<string, StatusAuditRecord>();

  async load(): Promise<RegistryContents> {
    return {
      versions: [...this.versions.values()].map(copyVersion),
      overrides: [...this.overrides.values()].map((o) => StatusOverride.parse(o)),
      deployed: [...this.deployed.values()].map((d) => DeployedJourney.parse(d)),
      problems: [],
    };
  }

  async register(version: StoredJourneyVersion): Promise<boolean> {
    const key = versionKey(version.journeyId, version.version);
    if (this.versions.has(key)) return false;
    this.versions.set(key, copyVersion(version));
    return true;
  }

  async recordDeployed(deployed: DeployedJourney): Promise<void> {
    this.deployed.set(deployed.journeyId, DeployedJourney.parse(deployed));
  }

  async overrideOf(journeyId: string): Promise<StatusOverride | undefined> {
    const stored = this.overrides.get(journeyId);
    return stored && StatusOverride.parse(stored);
  }

  async appendAudit(record: StatusAuditRecord): Promise<boolean> {
    const key = auditKey(record.journeyId, record.seq);
    if (this.audit.has(key)) return false;
    this.audit.set(key, StatusAuditRecord.parse(record));
    return true;
  }

  async auditRecord(journeyId: string, seq: number): Promise<StatusAuditRecord | undefined> {
    const stored = this.audit.get(auditKey(journeyId, seq));
    return stored && StatusAuditRecord.parse(stored);
  }

  async applyOverride(override: StatusOverride, expectedSeq: number): Promise<boolean> {
    const storedSeq = this.overrides.get(override.journeyId)?.seq ?? 0;
    if (storedSeq !== expectedSeq) return false;
    this.overrides.set(override.journeyId, StatusOverride.parse(override));
    return true;
  }

  async history(journeyId: string): Promise<StatusAuditRecord[]> {
    return [...this.audit.values()]
      .filter((r) => r.journeyId === journeyId)
      .sort((a, b) => a.seq - b.seq)
      .map((r) => StatusAuditRecord.parse(r));
  }
}
