import { describe, expect, it } from 'vitest';
import { JourneyCatalog, journeyVersion } from '../../../functions/core/engine/catalog.ts';
import { deliverPorts } from '../../../functions/core/runtime/deliver-ports.ts';
import { InMemoryPolicyStore } from '../../../functions/core/runtime/in-memory-policy-store.ts';
import { RecordingChannel } from '../../../functions/core/runtime/recording-channel.ts';
import { applyPorts } from '../../../functions/core/runtime/use-case-ports.ts';
import { welcomeJourney } from '../../contracts/journey-registry.contract.ts';
import { memoryPorts, sampleConfig, T0, TEST_UNSUBSCRIBE_KEY } from '../../handlers/support.ts';

describe('deliverPorts', () => {
  it('renders with the journeys the source holds at each use, and signs links for the given endpoint', async () => {
    // Prepare: a version the source learns of later, as a refresh brings one another deployment stored
    const config = await sampleConfig();
    let catalog = new JourneyCatalog([]);
    const setting = { config, catalogs: { current: () => catalog }, now: () => T0 };
    const { states, timers, sends, events, deadLetters } = await memoryPorts();
    const apply = applyPorts({ states, timers, sends, events, deadLetters }, setting);
    const ports = deliverPorts(
      apply,
      {
        policyStore: new InMemoryPolicyStore(),
        channel: new RecordingChannel(),
        unsubscribe: { baseUrl: 'https://unsubscribe.test/', keys: { current: TEST_UNSUBSCRIBE_KEY } },
      },
      setting,
    );
    const version = journeyVersion(welcomeJourney());
    const before = ports.composer.catalog.version(version);

    // Act
    catalog = new JourneyCatalog([welcomeJourney()]);
    const after = ports.composer.catalog.version(version);

    // Assess
    expect(before).toBeUndefined();
    expect(after?.journey.name).toBe('Welcome');
    expect(ports.composer.unsubscribeUrl({ userId: 'u1', channel: 'email', topic: 'marketing' })).toMatch(
      /^https:\/\/unsubscribe\.test\/\?token=/,
    );
    expect([ports.apply, ports.policies, ports.defaultTimezone]).toEqual([
      apply,
      config.policies,
      config.defaultTimezone,
    ]);
  });
});
