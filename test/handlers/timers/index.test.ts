import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingest } from '../../../functions/core/runtime/ingest.ts';
import { observability } from '../../../functions/handlers/shared/observability.ts';
import { timersHandler } from '../../../functions/handlers/timers/index.ts';
import { captureMetrics } from '../capture-metrics.ts';
import { customerEvent, lambdaContext, memoryPorts, signedUp, T0 } from '../support.ts';

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

  it('counts the enrollment a lifecycle timer makes when the stage it moves the customer to starts a journey', async () => {
    // Prepare: one order on day 0; the lifecycle makes the customer active on day 30, then at risk on day 60,
    // which starts win-back (journeys/lifecycle.yaml, journeys/win-back.yaml). user-1 falls outside its 10%
    // holdout (as in journeys/tests/lifecycle-stages.test.yaml), so the enrollment also sends.
    let now = T0;
    const ports = await memoryPorts({ now: () => now });
    const order = customerEvent('user-1', 'user-1-order-1', 'Order Completed', {
      traits: { email: 'user-1@example.com' },
      properties: { orderId: 'o1', revenue: 30 },
    });
    await ingest(JSON.stringify(order), ports, 'msg-1');
    const handler = timersHandler(async () => ports, observability('timers-test'));
    now = T0 + 30 * DAY + 60_000;
    await handler(scheduled(now), lambdaContext);
    now = T0 + 60 * DAY + 60_000;
    ports.sends.messages.length = 0;
    vi.mocked(process.stdout.write).mockRestore();
    const metrics = captureMetrics();

    // Act
    const report = await handler(scheduled(now), lambdaContext);

    // Assess
    metrics.stop();
    expect(report.fired).toBe(1);
    expect((await ports.states.load('user-1'))?.state.enrollments.map((e) => e.journeyId)).toEqual([
      'win-back',
    ]);
    expect(metrics.total('Enrollments')).toBe(1);
    expect(ports.sends.messages.length).toBeGreaterThan(0);
    expect(metrics.total('SendIntents')).toBe(ports.sends.messages.length);
  });

  it.each([
    ['sweeps on while its time lasts, firing a backlog of 600 waits in one invocation', 20_000, 600, 2],
    ['leaves the rest for the next minute when its time left is under the reserve', 40_000, 500, 1],
  ])('%s', async (_, reserveMs, fired, sweeps) => {
    // Prepare: 600 sign-ups whose welcome waits all fall due; the context says 30 s are left.
    let now = T0;
    const ports = await memoryPorts({ now: () => now });
    for (let i = 0; i < 600; i++) await ingest(JSON.stringify(signedUp(`usr_${i}`)), ports, `msg-${i}`);
    now = T0 + DAY + 60_000;
    const handler = timersHandler(async () => ports, observability('timers-test'), { reserveMs });

    // Act
    const report = await handler(scheduled(now), lambdaContext);

    // Assess
    expect(report).toMatchObject({ fired, sweeps, failed: 0, more: fired < 600 });
  });
});
