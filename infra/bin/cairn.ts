import { App } from 'aws-cdk-lib';
import { ConfigError } from '../config.ts';
import { addCairn } from '../lib/app.ts';
import { JourneyValidationError } from '../lib/journeys.ts';

/**
 * The CDK app: `npx cdk synth -c env=dev|staging|prod` (cdk.json runs this file). The stacks of the chosen
 * environment are synthesized when the process ends, as the CDK CLI expects; a configuration or a journeys
 * folder that does not validate stops it first, with the problems on stderr.
 */
const app = new App();
try {
  await addCairn({ app });
} catch (error) {
  if (error instanceof ConfigError || error instanceof JourneyValidationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
