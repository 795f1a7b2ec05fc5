import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaOutcomeSql } from '../../../functions/adapters/athena/outcome-sql.ts';

const athena = mockClient(AthenaClient);
const state = (State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED', reason?: string) => ({
  QueryExecution: { Status: { State, ...(reason ? { StateChangeReason: reason } : {}) } },
});
const cell = (value: string | null) => (value === null ? {} : { VarCharValue: value });

function sqlWith(waits: number[], timeoutMs?: number) {
  return new AthenaOutcomeSql(new AthenaClient({ region: 'eu-west-1' }), {
    workGroup: 'cairn-prod-outcomes',
    database: 'cairn_prod_outcomes',
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

afterEach(() => {
  athena.reset();
});

describe('AthenaOutcomeSql', () => {
  it('starts the query in the workgroup, polls with a doubling wait, and reads every page of results', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    const columns = [
      { Name: 'journey_id', Type: 'varchar' },
      { Name: 'entered', Type: 'bigint' },
    ];
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [{ Data: [cell('journey_id'), cell('entered')] }, { Data: [cell('welcome'), cell('12')] }],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [{ Data: [cell(null), cell('3')] }] },
      });
    const waits: number[] = [];

    // Act
    const rows = await sqlWith(waits).query('SELECT 1');

    // Assess
    expect(rows).toEqual([
      { journey_id: 'welcome', entered: '12' },
      { journey_id: null, entered: '3' },
    ]);
    expect(waits).toEqual([250, 500, 1000]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'cairn-prod-outcomes',
      QueryExecutionContext: { Database: 'cairn_prod_outcomes' },
    });
    expect(sqlWith([]).dialect.table).toBe('"cairn_prod_outcomes"."outcomes"');
  });

  it("says why Athena failed a query, in Athena's words", async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(state('FAILED', 'TABLE_NOT_FOUND: line 1:15: Table does not exist'));

    // Act / Assess
    await expect(sqlWith([]).query('SELECT 1')).rejects.toThrow(
      'Athena query q-2 failed: TABLE_NOT_FOUND: line 1:15: Table does not exist',
    );
  });

  it('gives up on a query still running after the time allowed, with no wait longer than 4 s', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    const waits: number[] = [];

    // Act / Assess
    await expect(sqlWith(waits, 20_000).query('SELECT 1')).rejects.toThrow(
      'Athena query q-3 still RUNNING after 24 s',
    );
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000, 4000]);
  });
});
