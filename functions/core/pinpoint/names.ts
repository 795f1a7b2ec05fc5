/** Readable Cairn ids from Pinpoint names: lower-case letters, digits and dashes, unique within a set. */
export function slug(text: string): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return base === '' ? 'unnamed' : base;
}

/** Hands out ids that are unique among those it gave: `welcome`, then `welcome-2`. */
export class UniqueIds {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const id of reserved) this.taken.add(id);
  }

  take(wanted: string): string {
    const base = slug(wanted);
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }
}
