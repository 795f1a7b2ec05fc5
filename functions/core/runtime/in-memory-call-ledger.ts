import type { CallAnswer } from '../calls/intent.ts';
import type { CallClaim, CallLedger } from '../ports/call-ledger.ts';

/** The calls ledger in memory, for the simulator, journey tests and tests. */
export class InMemoryCallLedger implements CallLedger {
  private readonly claims = new Map<string, CallClaim>();

  // No await inside: on one event loop each check-and-write runs without interleaving.
  async claim(callId: string, at: number): Promise<boolean> {
    if (this.claims.has(callId)) return false;
    this.claims.set(callId, { callId, state: 'CLAIMED', claimedAt: at, attempt: 1 });
    return true;
  }

  async answer(callId: string, answer: CallAnswer): Promise<boolean> {
    const claim = this.claims.get(callId);
    if (claim?.state !== 'CLAIMED') return false;
    this.claims.set(callId, { ...claim, state: 'ANSWERED', answer });
    return true;
  }

  async release(callId: string): Promise<boolean> {
    if (this.claims.get(callId)?.state !== 'CLAIMED') return false;
    this.claims.delete(callId);
    return true;
  }

  async claimOf(callId: string): Promise<CallClaim | undefined> {
    const claim = this.claims.get(callId);
    return claim ? structuredClone(claim) : undefined;
  }

  async reclaim(callId: string, attempt: number, at: number): Promise<boolean> {
    const claim = this.claims.get(callId);
    if (claim?.state !== 'CLAIMED' || claim.attempt !== attempt) return false;
    this.claims.set(callId, { ...claim, claimedAt: at, attempt: attempt + 1 });
    return true;
  }
}
