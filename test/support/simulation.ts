import { formatProblem } from '../../functions/core/diagnostics/problem.ts';
import { JourneyCatalog } from '../../functions/core/engine/catalog.ts';
import type { Journey } from '../../functions/core/journeys/schema.ts';
import type { LifecycleModel } from '../../functions/core/lifecycle/lifecycle-model.ts';
import { noPolicies, type Policies } from '../../functions/core/policies/config.ts';
import type { RuntimeConfig } from '../../functions/core/runtime/config.ts';
import type { Segment } from '../../functions/core/segments/schema.ts';
import { Simulation } from '../../functions/core/simulate/simulation.ts';
import type { SimulationOptions } from '../../functions/core/simulate/simulation-options.ts';
import type { LoadedTemplate } from '../../functions/core/templates/load.ts';
import { loadTemplateSet } from '../../functions/core/templates/template-files.ts';

/**
 * A template for every template id the journeys' send steps name, on every channel, rendering only fixed
 * text: tests about decisions need messages that render, not particular copy.
 */
export function standInTemplates(journeys: readonly Journey[]): Map<string, LoadedTemplate> {
  const ids = new Set(
    journeys.flatMap((j) => j.steps.flatMap((step) => (step.type === 'send' ? [step.template] : []))),
  );
  const files = [...ids].map((id) => ({
    file: `templates/${id}.yaml`,
    text: [
      'email:',
      `  subject: ${id}`,
      `  html: "<p>${id}</p><a href=\\"{{ unsubscribeUrl }}\\">Unsubscribe</a>"`,
      `  text: "${id} {{ unsubscribeUrl }}"`,
      'sms:',
      `  body: "${id}. Reply STOP to opt out"`,
      'push:',
      `  title: ${id}`,
      `  body: ${id}`,
      '',
    ].join('\n'),
  }));
  const { templates, problems } = loadTemplateSet(files);
  if (problems.length > 0) throw new Error(problems.map(formatProblem).join('\n'));
  return templates;
}

export type TestConfig = {
  journeys: readonly Journey[];
  segments?: readonly Segment[];
  policies?: Policies;
  lifecycle?: LifecycleModel;
  templates?: Map<string, LoadedTemplate>;
  defaultTimezone?: string;
};

/** The runtime configuration of a test: its journeys, stand-in templates, and no policies unless given. */
export function testConfig(config: TestConfig): RuntimeConfig {
  return {
    catalog: new JourneyCatalog(config.journeys, config.segments),
    lifecycle: config.lifecycle,
    policies: config.policies ?? noPolicies(),
    templates: config.templates ?? standInTemplates(config.journeys),
    defaultTimezone: config.defaultTimezone ?? 'UTC',
  };
}

/** A simulation of a test's journeys (see testConfig). */
export function simulationOf(
  config: TestConfig,
  options: Omit<SimulationOptions, 'config'> = {},
): Simulation {
  return new Simulation({ config: testConfig(config), ...options });
}
