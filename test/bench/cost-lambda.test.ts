import { describe, expect, it } from 'vitest';
import {
  batchShape,
  lambdaMsPerInput,
  REQUEST_LATENCY_MS,
  VCPU_SHARE_512MB,
} from '../../bench/cost-lambda.ts';

describe('the cost bench Lambda model', () => {
  it('counts the customers of each batch of 10 consecutive inputs and their longest chain', () => {
    // Prepare: a batch of 10 with a's 6, b's 3 and c's 1; then a batch of 2 of one customer.
    const userIds = ['a', 'a', 'b', 'a', 'a', 'b', 'c', 'a', 'b', 'a', 'd', 'd'];

    // Act
    const shape = batchShape(userIds);

    // Assess
    expect(shape).toEqual({ meanCustomers: (3 + 1) / 2, meanLongestChain: (6 + 2) / 2 });
  });

  it("bills a batch its records' sum one after the other, its longest chain or its CPU with customers at once", () => {
    // Prepare
    const work = { cpuMsPerInput: 1, requestsPerInput: 2, inputs: 100 };
    const cpu = 1 / VCPU_SHARE_512MB;
    const oneInput = cpu + 2 * REQUEST_LATENCY_MS;

    // Act
    const sequential = lambdaMsPerInput(work, { meanCustomers: 4, meanLongestChain: 4 }, false);
    const concurrent = lambdaMsPerInput(work, { meanCustomers: 4, meanLongestChain: 4 }, true);
    const cpuBound = lambdaMsPerInput(
      { ...work, requestsPerInput: 0 },
      { meanCustomers: 10, meanLongestChain: 1 },
      true,
    );

    // Assess
    expect(sequential).toBeCloseTo(oneInput);
    expect(concurrent).toBeCloseTo((4 * oneInput) / 10);
    expect(cpuBound).toBeCloseTo(cpu);
  });
});
