/** Anything that falls due: a timer, or a deferred send to try again. */
export type Due = { dueAt: number; id: string };

/** Items in (dueAt, id) order: a binary min-heap, so a million pending waits stay cheap to pop. */
export class DueQueue<T extends Due> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent];
      if (!up || !before(item, up)) break;
      heap[i] = up;
      i = parent;
    }
    heap[i] = item;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = last;
      let at = -1;
      const l = heap[left];
      if (l && before(l, smallest)) {
        smallest = l;
        at = left;
      }
      const r = heap[right];
      if (r && before(r, smallest)) {
        smallest = r;
        at = right;
      }
      if (at < 0) break;
      heap[i] = smallest;
      i = at;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Due, b: Due): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}
