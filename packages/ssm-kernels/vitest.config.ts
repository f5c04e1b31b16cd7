import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

// Tests import op modules directly, not the package entry: register the kernels as the entry does.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: { setupFiles: [fileURLToPath(new URL('./src/register-kernels.ts', import.meta.url))] },
  }),
);
