import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

// The docs tests build the site once (TypeDoc + VitePress, about a minute on 2 cores) in a global setup.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/global-setup.ts'],
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  }),
);
