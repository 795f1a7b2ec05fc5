import { describe, expect, it } from 'vitest';
import { arrivalsWithFaults, arrivalsWithoutCopies } from '../../../functions/core/chaos/arrivals.ts';
import { ARRIVALS_STREAM, DEFAULT_FAULT_RATES, FaultPlan } from '../../../functions/core/chaos/faults.ts';
import { generateEvents } from '../../../functions/core/generate/index.ts';

const events = () => generateEvents({ users: 40, days: 10, seed: 5, start: '2026-11-01' });
const RATES = { ...DEFAULT_FAULT_RATES, 'duplicate-event': 0.1, 'reordered-event': 0.1 };

describe('the chaos harness arrivals', () => {
  it('gives the run without faults the same arrival times, without the redelivered copies', () => {
    // Prepare: two plans from the same seed on the arrivals' stream, as both runs of the harness draw them.
    const withFaults = new FaultPlan(5, RATES, ARRIVALS_STREAM);
    const withoutCopies = new FaultPlan(5, RATES, ARRIVALS_STREAM);

    // Act
    const faulty = [...arrivalsWithFaults(events(), withFaults)];
    const clean = [...arrivalsWithoutCopies(events(), withoutCopies)];

    // Assess: every event once, at the time the run with faults gets its first delivery, held back or not.
    const population = [...events()];
    expect(withFaults.counts['duplicate-event']).toBeGreaterThan(0);
    expect(withFaults.counts['reordered-event']).toBeGreaterThan(0);
    expect(clean.map((a) => a.event.id).sort()).toEqual(population.map((e) => e.id).sort());
    expect(clean).toEqual(faulty.filter((a) => !a.copy));
    expect(faulty.filter((a) => a.copy)).toHaveLength(withFaults.counts['duplicate-event']);
    const heldBack = clean.filter((a) => a.at > Date.parse(a.event.time));
    expect(heldBack).toHaveLength(withFaults.counts['reordered-event']);
  });

  it('draws the arrivals apart from the ports, so faults elsewhere do not move them', () => {
    // Prepare: a plan on the arrivals' stream and one on the ports' default stream, same seed.
    const arrivals = new FaultPlan(5, RATES, ARRIVALS_STREAM);
    const ports = new FaultPlan(5, RATES);

    // Act
    const fromArrivals = [...arrivalsWithoutCopies(events(), arrivals)];
    const fromPorts = [...arrivalsWithoutCopies(events(), ports)];

    // Assess: different streams hold back different events.
    expect(fromArrivals.map((a) => a.at)).not.toEqual(fromPorts.map((a) => a.at));
  });
});
