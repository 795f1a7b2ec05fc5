import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The index's first room, in event lines; it doubles as it fills. */
const FIRST_ROOM = 1 << 12;

/**
 * The event lines of a file as the first pass over it read them (run-shares.ts): each one's line number, time
 * and customer, 16 bytes an event (16 MB for a million). A later pass over the same file (a subset's rerun)
 * routes its lines from here and parses none of them: only the lines a share puts are parsed, by that share.
 */
export class EventIndex {
  private lines = new Uint32Array(FIRST_ROOM);
  private customerOf = new Uint32Array(FIRST_ROOM);
  /** The time of each line, NaN where it has none (an event's time is finite when it has one: event-line.ts). */
  private ats = new Float64Array(FIRST_ROOM);
  private readonly customers: string[] = [];
  private readonly numbers = new Map<string, number>();
  private count = 0;

  /** Notes the next event line of the file. */
  add(line: number, at: number | null, userId: string): void {
    if (this.count === this.lines.length) this.grow();
    let customer = this.numbers.get(userId);
    if (customer === undefined) {
      customer = this.customers.length;
      this.customers.push(userId);
      this.numbers.set(userId, customer);
    }
    this.lines[this.count] = line;
    this.customerOf[this.count] = customer;
    this.ats[this.count] = at ?? Number.NaN;
    this.count++;
  }

  /**
   * The file's event lines again, in order, with the time and customer noted for each, and the text read now.
   * Throws when the file no longer has the lines noted (it changed since the first pass).
   */
  async *replay(
    path: string,
  ): AsyncGenerator<{ line: number; at: number | null; userId: string; text: string }> {
    const texts = createInterface({
      input: createReadStream(path, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let number = 0;
    let next = 0;
    for await (const text of texts) {
      number++;
      if (next >= this.count || this.lines[next] !== number) continue;
      const at = this.ats[next] ?? Number.NaN;
      yield {
        line: number,
        at: Number.isNaN(at) ? null : at,
        userId: this.customers[this.customerOf[next] ?? 0] ?? '',
        text,
      };
      next++;
    }
    if (next !== this.count)
      throw new Error(
        `${path} changed while it was simulated: ${this.count - next} of its event lines are gone`,
      );
  }

  private grow(): void {
    const room = this.lines.length * 2;
    const grown = <T extends Uint32Array | Float64Array>(array: T, into: T): T => {
      into.set(array);
      return into;
    };
    this.lines = grown(this.lines, new Uint32Array(room));
    this.customerOf = grown(this.customerOf, new Uint32Array(room));
    this.ats = grown(this.ats, new Float64Array(room));
  }
}
