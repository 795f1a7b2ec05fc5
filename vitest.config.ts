import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks keep the integration servers (dynalite, ses-local) of one file away from the others.
    pool: 'forks',
    testTimeout: 20_000,
  },
});
