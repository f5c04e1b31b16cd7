import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Shared vitest settings: resolve workspace packages to their TypeScript sources (no build needed). */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ['@bigs/source'] },
  ssr: { resolve: { conditions: ['@bigs/source'] } },
  test: {
    environment: 'node',
    globalSetup: [fileURLToPath(new URL('./vitest.global-setup.ts', import.meta.url))],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    reporters: ['default'],
  },
});
