import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { callTargetGrants } from '../../../infra/lib/grants.ts';
import { journeyFromYaml } from '../../support/journeys.ts';

const PLACE = { account: '111111111111', region: 'eu-west-1' };

/** Each statement of the grants as `action resource`, resolved in a stack. */
function allowed(grants: ReturnType<typeof callTargetGrants>): string[] {
  const stack = new Stack();
  return grants
    .flatMap((g) => g.statements)
    .flatMap((s) => {
      const json = stack.resolve(s.toStatementJson());
      const actions: string[] = [json.Action].flat();
      const resources: string[] = [json.Resource].flat();
      return actions.flatMap((a) => resources.map((r) => `${a} ${r}`));
    })
    .sort();
}

describe('callTargetGrants', () => {
  it('grants exactly the secrets call headers name and the functions call steps invoke', () => {
    // Prepare: an HTTPS call with a secret header and a plain one, and two Lambda calls (a name and an ARN).
    const journey = journeyFromYaml(`id: j
name: J
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - id: a
    type: call
    http: { url: "https://crm.example.com/x", headers: { Authorization: { secret: crm-token }, X-Source: cairn } }
    next: b
  - { id: b, type: call, lambda: { function: score-lead }, next: c }
  - { id: c, type: call, lambda: { function: "arn:aws:lambda:eu-west-1:222222222222:function:enrich" } }
`);

    // Act
    const grants = callTargetGrants([journey], PLACE);

    // Assess
    expect(allowed(grants)).toEqual([
      'lambda:InvokeFunction arn:aws:lambda:eu-west-1:111111111111:function:score-lead',
      'lambda:InvokeFunction arn:aws:lambda:eu-west-1:222222222222:function:enrich',
      'secretsmanager:GetSecretValue arn:aws:secretsmanager:eu-west-1:111111111111:secret:crm-token-??????',
    ]);
  });

  it('grants nothing when no journey calls anything', () => {
    // Prepare
    const journey = journeyFromYaml(`id: j
name: J
trigger: { event: { detail-type: [Signed Up] } }
steps:
  - { id: a, type: exit }
`);

    // Act and assess
    expect(callTargetGrants([journey], PLACE)).toEqual([]);
  });
});
