import type { CallSlots } from '../ports/call-slots.ts';

/** The call targets' slots in memory, for the simulator and tests: target to holder to lease end. */
export class InMemoryCallSlots implements CallSlots {
  private readonly leases = new Map<string, Map<string, number>>();

  // No await inside: on one event loop each check-and-write runs without interleaving.
  async acquire(target: string, holder: string, max: number, now: number, until: number): Promise<boolean> {
    const held = this.leases.get(target) ?? new Map<string, number>();
    for (const [other, end] of held) if (end <= now) held.delete(other);
    if (!held.has(holder) && held.size >= max) return false;
    held.set(holder, until);
    this.leases.set(target, held);
    return true;
  }

  async release(target: string, holder: string): Promise<void> {
    this.leases.get(target)?.delete(holder);
  }
}
