/** A binary min-heap. `before(a, b)` is true when `a` must come out before `b`; it must be a strict total order. */
export class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      if (p === undefined || !this.#before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** The first item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Removes and returns the first item, or undefined when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const l = items[left];
      const r = items[left + 1];
      let child = left;
      let c = l;
      if (r !== undefined && l !== undefined && this.#before(r, l)) {
        child = left + 1;
        c = r;
      }
      if (c === undefined || !this.#before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Anything that falls due: earliest first, then by id, so that the order never depends on insertion. */
export type Due = { dueAt: number; id: string };

export const dueFirst = (a: Due, b: Due): boolean =>
  a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
