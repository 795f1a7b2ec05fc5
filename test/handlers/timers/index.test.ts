import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { timersHandler } from '../../../functions/handlers/timers/index.ts';
import { lambdaContext, memoryPorts, signedUp, T0 } from '../support.ts';

const DAY = 86_400_000;
const scheduled = (at: number) => ({
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  time: new Date(at).toISOString(),
  resources: [],
  detail: {},
});

beforeEach(() => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('timers handler', () => {
  it('fires a due wait, moves the enrollment on and hands its next send on', async () => {
    // Prepare: welcome-series waits a day after the welcome email, then sends a nudge.
    let now = T0;
    const ports = await memoryPorts({ now: () => now });
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    ports.sends.messages.length = 0;
    now = T0 + DAY + 60_000;
    const handler = timersHandler(async () => ports, observability('timers-test'));

    // Act
    const report = await handler(scheduled(now), lambdaContext);

    // Assess
    expect(report.fired).toBeGreaterThan(0);
    expect(report.failed).toBe(0);
    expect(ports.sends.messages.map((m) => m.send.intent.template)).toContain('welcome-nudge');
  });

  it('leaves a timer whose customer cannot be written pending for the next sweep', async () => {
    // Prepare
    let now = T0;
    const ports = await memoryPorts({ now: () => now });
    await ingest(JSON.stringify(signedUp('usr_1')), ports, 'msg-1');
    const pending = ports.timers.size;
    ports.states.save = async () => {
      throw new Error('DynamoDB unavailable');
    };
    now = T0 + DAY + 60_000;
    const handler = timersHandler(async () => ports, observability('timers-test'));

    // Act
    const report = await handler(scheduled(now), lambdaContext);

    // Assess
    expect(report.failed).toBeGreaterThan(0);
    expect(ports.timers.size).toBe(pending);
  });
});
