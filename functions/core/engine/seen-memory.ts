/**
 * The customer state's `seen` as stored: per UTC day number, that day's fingerprints concatenated
 * (engine/seen.ts). The days are integer names, which a JavaScript object keeps as sparse elements.
 */
export type SeenRecord = Readonly<Record<string, string>>;

/** The largest array index plus one: names below it that are canonical integers an object orders first. */
const INDEX_LIMIT = 4_294_967_295;

/** Whether an object orders `name` among its integer names (ascending, before every other name). */
function isIndexName(name: string): boolean {
  const value = Number(name);
  return value < INDEX_LIMIT && String(value) === name;
}

/**
 * `seen` as the engine holds it in memory: the days' names, their numbers and their fingerprints in three arrays
 * in the order the stored object has them (ascending day numbers). Every input extends `seen`, and an object of
 * sparse integer-named elements made anew per input was the step's largest single cost (docs/benchmarks.md,
 * "The engine step"): arrays of a few days are copied far more cheaply. Never changed once made (frozen, so
 * that frozen states can share it); `toJSON` writes the stored object, so a state's JSON text is the same
 * bytes either way, and `fromRecord` reads it back, at every load (state.ts's schema, the stores).
 */
export class SeenMemory {
  private constructor(
    /** The days' names as stored: day numbers in decimal. */
    readonly names: readonly string[],
    /** `Number` of each name. */
    readonly days: readonly number[],
    /** Each day's fingerprints, concatenated. */
    readonly prints: readonly string[],
  ) {
    Object.freeze(this);
  }

  /** The stored object's days, in the order the object keeps them. */
  static fromRecord(record: SeenRecord): SeenMemory {
    const names = Object.keys(record);
    const days: number[] = [];
    const prints: string[] = [];
    for (const name of names) {
      days.push(Number(name));
      prints.push(record[name] ?? '');
    }
    return new SeenMemory(names, days, prints);
  }

  /** One day's fingerprints alone. */
  static of(name: string, prints: string): SeenMemory {
    return new SeenMemory([name], [Number(name)], [prints]);
  }

  /** How many days it holds. */
  get length(): number {
    return this.names.length;
  }

  /** The stored object: the days' names and fingerprints, in the same order. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (let index = 0; index < this.names.length; index++) {
      const name = this.names[index];
      if (name !== undefined) record[name] = this.prints[index] ?? '';
    }
    return record;
  }

  /** JSON.stringify writes a state's `seen` as the stored object. */
  toJSON(): Record<string, string> {
    return this.toRecord();
  }

  /** A copy with `code` added after the fingerprints of the day at `index`. */
  appended(index: number, code: string): SeenMemory {
    const prints = this.prints.slice();
    prints[index] = (prints[index] ?? '') + code;
    return new SeenMemory(this.names, this.days, prints);
  }

  /**
   * A copy with a day `name` (an integer name it does not hold) holding `code`, where an object would put the
   * name: among the integer names in ascending order, before any other.
   */
  inserted(name: string, code: string): SeenMemory {
    const day = Number(name);
    let at = 0;
    while (at < this.names.length) {
      const other = this.names[at] ?? '';
      if (!isIndexName(other) || (this.days[at] ?? 0) > day) break;
      at++;
    }
    const names = this.names.slice();
    const days = this.days.slice();
    const prints = this.prints.slice();
    names.splice(at, 0, name);
    days.splice(at, 0, day);
    prints.splice(at, 0, code);
    return new SeenMemory(names, days, prints);
  }
}
