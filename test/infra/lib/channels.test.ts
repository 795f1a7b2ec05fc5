import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../functions/core/channels/index.ts';
import { Channel } from '../../../functions/core/journeys/schema-parts.ts';
import { ChannelEnvironment } from '../../../functions/handlers/shared/environment.ts';
import { EnvironmentConfig, environments } from '../../../infra/config.ts';
import { CHANNEL_DEPLOYMENTS } from '../../../infra/lib/channels.ts';
import { arnIn, channelGrants } from '../../../infra/lib/grants.ts';

/**
 * Keeps the infrastructure's channel table whole: one deployment per channel of the journey language, one
 * settings entry per channel in the environment configuration, and a feedback rule exactly for the channels
 * whose provider publishes its feedback to EventBridge, with the sources the feedback parser accepts.
 */

const place = { account: '333333333333', region: 'eu-west-1' };

describe('the channel deployments', () => {
  it('has one deployment, and one setting in the environment configuration, per channel', () => {
    // Assess
    expect(Object.keys(CHANNEL_DEPLOYMENTS)).toEqual(Channel.options);
    expect(Object.keys(EnvironmentConfig.shape.channels.shape)).toEqual(Channel.options);
  });

  it('grants each configured channel its actions and variables, in channel order', () => {
    // Prepare: prod configures every channel.
    const { channels } = EnvironmentConfig.parse(environments.prod);

    // Act
    const grants = channelGrants(channels, place);

    // Assess
    expect(grants.map((g) => g.statements.flatMap((s) => s.toJSON().Action))).toEqual(
      Channel.options.map((c) => [...CHANNEL_DEPLOYMENTS[c].actions]),
    );
    const runtimeReads = Object.keys(ChannelEnvironment.unwrap().shape);
    for (const grant of grants)
      for (const variable of Object.keys(grant.variables)) expect(runtimeReads).toContain(variable);
  });

  it('grants nothing for a channel left out', () => {
    // Prepare
    const { channels } = EnvironmentConfig.parse(environments.dev);

    // Act
    const grants = channelGrants(channels, place);

    // Assess: dev configures email only.
    expect(grants.flatMap((g) => g.statements.flatMap((s) => s.toJSON().Action))).toEqual(['ses:SendEmail']);
  });

  it('routes feedback exactly for the channels whose provider publishes it, from the sources the parser takes', () => {
    // Prepare
    const { channels } = EnvironmentConfig.parse(environments.prod);
    const arn = arnIn(place);

    for (const channel of Channel.options) {
      // Act
      const settings = channels[channel];
      const rule = settings === undefined ? undefined : feedbackRuleFor(channel, settings, arn);

      // Assess
      const sources = CHANNELS[channel].feedback.eventSources;
      if (sources.length === 0) expect(rule, channel).toBeUndefined();
      else expect(rule?.eventPattern.source, channel).toEqual(sources);
    }
  });
});

function feedbackRuleFor<C extends Channel>(
  channel: C,
  settings: NonNullable<EnvironmentConfig['channels'][C]>,
  arn: ReturnType<typeof arnIn>,
) {
  return CHANNEL_DEPLOYMENTS[channel].feedbackRule?.(settings, arn);
}
