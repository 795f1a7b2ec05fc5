import {
  FirehoseClient,
  PutRecordBatchCommand,
  type PutRecordBatchCommandInput,
} from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FIREHOSE_BATCH_RECORDS,
  FirehoseOutcomeLog,
  PACKED_RECORD_BYTES,
} from '../../../functions/adapters/firehose/outcome-log.ts';
import { OutcomeRecord } from '../../../functions/core/outcomes/record.ts';

const firehose = mockClient(FirehoseClient);
const NO_WAIT = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0 };

function records(count: number): OutcomeRecord[] {
  return Array.from({ length: count }, (_, i) =>
    OutcomeRecord.parse({
      v: 1,
      id: `input-${i}#0`,
      kind: 'step',
      occurred_at: '2026-11-03T10:00:00.000Z',
      user_id: `user-${i}`,
      journey_id: 'welcome-series',
      journey_version: 'v1',
      enrollment_id: `e-${i}`,
      step_id: 'welcome-email',
      variant_group: null,
      message_id: null,
      channel: null,
      provider_message_id: null,
      status: null,
      reason: null,
      detail: null,
    }),
  );
}

/** The outcome records in what was put, in order, read back as the bucket's reader would. */
function linesPut(calls: readonly { args: readonly [{ input: PutRecordBatchCommandInput }] }[]): string[] {
  const decoder = new TextDecoder();
  return calls.flatMap((call) =>
    (call.args[0].input.Records ?? []).flatMap((r) => decoder.decode(r.Data).trimEnd().split('\n')),
  );
}

const log = () =>
  new FirehoseOutcomeLog({
    client: new FirehoseClient({ region: 'eu-west-1' }),
    streamName: 'cairn-dev-outcomes',
    retry: NO_WAIT,
  });

beforeEach(() => firehose.reset());

describe('FirehoseOutcomeLog', () => {
  it('buffers until flush, then packs the records as JSON lines into few Firehose records', async () => {
    // Prepare
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const outcomes = log();
    const written = records(100);

    // Act
    outcomes.append(written);
    const before = firehose.commandCalls(PutRecordBatchCommand).length;
    await outcomes.flush();

    // Assess
    expect(before).toBe(0);
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls).toHaveLength(1);
    const put = calls[0]?.args[0].input;
    expect(put?.DeliveryStreamName).toBe('cairn-dev-outcomes');
    for (const record of put?.Records ?? [])
      expect(record.Data?.byteLength).toBeLessThanOrEqual(PACKED_RECORD_BYTES);
    expect(put?.Records?.length).toBeLessThan(20);
    expect(linesPut(calls).map((line) => OutcomeRecord.parse(JSON.parse(line)))).toEqual(written);
  });

  it('puts at most 500 Firehose records per call', async () => {
    // Prepare: records this large fill a packed record each.
    firehose.on(PutRecordBatchCommand).resolves({ FailedPutCount: 0, RequestResponses: [] });
    const outcomes = log();
    const large = records(FIREHOSE_BATCH_RECORDS + 20).map((r) => ({
      ...r,
      detail: 'x'.repeat(PACKED_RECORD_BYTES - 200),
    }));

    // Act
    outcomes.append(large);
    await outcomes.flush();

    // Assess
    const sizes = firehose.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input.Records?.length);
    expect(sizes).toEqual([FIREHOSE_BATCH_RECORDS, 20]);
  });

  it('sends again only the records Firehose refused', async () => {
    // Prepare: the first call refuses the second of three records.
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [
          { RecordId: 'a' },
          { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'slow down' },
          { RecordId: 'c' },
        ],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'b' }] });
    const outcomes = log();
    const large = records(3).map((r) => ({ ...r, detail: 'x'.repeat(PACKED_RECORD_BYTES - 200) }));

    // Act
    outcomes.append(large);
    await outcomes.flush();

    // Assess
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([3, 1]);
    expect(linesPut(calls.slice(1)).map((l) => JSON.parse(l).id)).toEqual(['input-1#0']);
  });

  it('throws with the codes once the attempts run out, and keeps the records for the next flush', async () => {
    // Prepare
    const refused = {
      FailedPutCount: 1,
      RequestResponses: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try later' }],
    };
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce(refused)
      .resolvesOnce(refused)
      .resolvesOnce(refused)
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'r1' }] });
    const outcomes = log();
    outcomes.append(records(1));

    // Act
    const failed = outcomes.flush();
    await expect(failed).rejects.toThrow(
      'Firehose stream cairn-dev-outcomes refused 1 record(s) after 3 attempts: InternalFailure: try later; 1 record(s) kept for the next flush',
    );
    outcomes.append(records(2).slice(1));
    await outcomes.flush();

    // Assess: the kept record goes first, with the new one, in the next flush's one call.
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls).toHaveLength(4);
    expect(linesPut(calls.slice(3)).map((l) => JSON.parse(l).id)).toEqual(['input-0#0', 'input-1#0']);
  });

  it('counts a request that throws as refused, and drops the oldest kept records beyond its bound', async () => {
    // Prepare: records for 2 Firehose records of up to 5,000 bytes (the second one short); room to keep one.
    const perPacked = Math.floor(PACKED_RECORD_BYTES / (JSON.stringify(records(1)[0]).length + 1));
    firehose.on(PutRecordBatchCommand).rejects(new Error('ResourceNotFoundException: no such stream'));
    const outcomes = new FirehoseOutcomeLog({
      client: new FirehoseClient({ region: 'eu-west-1' }),
      streamName: 'cairn-dev-outcomes',
      retry: NO_WAIT,
      retainedBytes: PACKED_RECORD_BYTES,
    });
    outcomes.append(records(perPacked + 2));

    // Act / Assess
    await expect(outcomes.flush()).rejects.toThrow(
      /refused 2 record\(s\) after 3 attempts: Error: ResourceNotFoundException: no such stream; 1 record\(s\) kept for the next flush, 1 dropped$/,
    );
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(3);
  });
});
