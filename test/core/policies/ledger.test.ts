import { describe, expect, it } from 'vitest';
import { type Claim, decideOnClaimed } from '../../../functions/core/policies/ledger.ts';

const T0 = Date.parse('2026-11-02T10:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const open: Claim = { messageId: 'm1', state: 'CLAIMED', claimedAt: T0, attempt: 1 };

describe('what to do with a message found already claimed', () => {
  it('does nothing more for a completed send, sent or failed', () => {
    // Prepare
    const options = { category: 'transactional', retryUnknown: true, now: T0 + 60 * MINUTE } as const;

    // Act
    const sent = decideOnClaimed({ ...open, state: 'SENT', completedAt: T0 + 1 }, options);
    const failed = decideOnClaimed({ ...open, state: 'FAILED', completedAt: T0 + 1, error: 'x' }, options);

    // Assess
    expect(sent).toEqual({ action: 'done', state: 'SENT' });
    expect(failed).toEqual({ action: 'done', state: 'FAILED' });
  });

  it('waits 15 minutes by default before calling an open claim unknown, as a send may still be in flight', () => {
    // Prepare
    const options = { category: 'marketing', retryUnknown: false } as const;

    // Act
    const inFlight = decideOnClaimed(open, { ...options, now: T0 + 15 * MINUTE - 1 });
    const unknown = decideOnClaimed(open, { ...options, now: T0 + 15 * MINUTE });

    // Assess
    expect(inFlight).toEqual({ action: 'wait', until: T0 + 15 * MINUTE });
    expect(unknown).toEqual({ action: 'report', outcome: 'UNKNOWN' });
  });

  it('never resends an unknown marketing message, even when asked to retry', () => {
    // Act
    const decision = decideOnClaimed(open, { category: 'marketing', retryUnknown: true, now: T0 + DAY });

    // Assess
    expect(decision).toEqual({ action: 'report', outcome: 'UNKNOWN' });
  });

  it('retries an unknown transactional message that opted in, up to the attempts allowed, then reports it', () => {
    // Prepare
    const options = { category: 'transactional', retryUnknown: true, now: T0 + DAY, maxAttempts: 3 } as const;

    // Act
    const decisions = [1, 2, 3].map((attempt) => decideOnClaimed({ ...open, attempt }, options));

    // Assess
    expect(decisions).toEqual([
      { action: 'retry', attempt: 1 },
      { action: 'retry', attempt: 2 },
      { action: 'report', outcome: 'UNKNOWN' },
    ]);
  });
});
